#include "Screenshot.h"

#include <QApplication>
#include <QTimer>

#include "MainWindow.h"

namespace ql {

void saveScreenshotWhenIdle(MainWindow& window, const QString& path) {
    auto* timer = new QTimer(&window);
    timer->setInterval(300);
    auto idleTicks = std::make_shared<int>(0);
    QObject::connect(timer, &QTimer::timeout, &window, [&window, path, idleTicks, timer] {
        // Two quiet ticks in a row: background work finished and the widgets have repainted.
        *idleTicks = window.workspace()->isBusy() ? 0 : *idleTicks + 1;
        if (*idleTicks < 3)
            return;
        timer->stop();
        const bool saved = window.grab().save(path);
        QApplication::exit(saved ? 0 : 1);
    });
    timer->start();
}

}  // namespace ql
