#include "Screenshot.h"

#include <QApplication>
#include <QTimer>

#include "MainWindow.h"

namespace ql {

void saveScreenshotWhenIdle(MainWindow& window, const QString& path, bool requantizeFirst) {
    auto* timer = new QTimer(&window);
    timer->setInterval(300);
    auto idleTicks = std::make_shared<int>(0);
    auto requantize = std::make_shared<bool>(requantizeFirst);
    QObject::connect(timer, &QTimer::timeout, &window, [&window, path, idleTicks, requantize, timer] {
        // Three quiet ticks in a row: background work finished and the widgets have repainted.
        *idleTicks = window.workspace()->isBusy() ? 0 : *idleTicks + 1;
        if (*idleTicks < 3)
            return;
        if (*requantize) {  // once, with the exclusions as they are, then wait again
            *requantize = false;
            *idleTicks = 0;
            window.workspace()->requantize();
            return;
        }
        timer->stop();
        const bool saved = window.grab().save(path);
        QApplication::exit(saved ? 0 : 1);
    });
    timer->start();
}

}  // namespace ql
