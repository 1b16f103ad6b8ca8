// Saves a picture of the window once the workspace is idle, for the README and for looking at the
// GUI in tests without a person at the screen.
#pragma once

#include <QString>

namespace ql {

class MainWindow;

void saveScreenshotWhenIdle(MainWindow& window, const QString& path);

}  // namespace ql
