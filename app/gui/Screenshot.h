// Saves a picture of the window once the workspace is idle, for the README and for looking at the
// GUI in tests without a person at the screen.
#pragma once

#include <QString>

namespace ql {

class MainWindow;

// With `requantizeFirst`, re-quantizes once with the exclusions as they are when first idle (the
// Runs dock then shows the loaded model, the baseline and the re-quantized model).
void saveScreenshotWhenIdle(MainWindow& window, const QString& path, bool requantizeFirst = false);

}  // namespace ql
