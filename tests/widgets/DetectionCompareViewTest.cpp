// The Detections tab's pictures fit their views as a person sees them: after the tab is first
// shown, on resize and with the Fit button or F, and keep a zoom the user chose.
#include <QGraphicsView>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QTabWidget>
#include <QTest>
#include <QWheelEvent>

#include "DetectionCompareView.h"

using namespace ql;

namespace {

// Where the whole image lands in the view's viewport, in viewport pixels.
QRect mapped(QGraphicsView* v) { return v->mapFromScene(v->sceneRect()).boundingRect(); }

// Fitted: the image lies inside the viewport and fills it along one side (KeepAspectRatio).
bool fits(QGraphicsView* v) {
    const QRect r = mapped(v);
    const QSize port = v->viewport()->size();
    const bool inside = r.width() <= port.width() + 2 && r.height() <= port.height() + 2;
    const bool fills = std::abs(r.width() - port.width()) <= 3 || std::abs(r.height() - port.height()) <= 3;
    return inside && fills && r.width() > 50;
}

QString describe(QGraphicsView* v) {
    const QRect r = mapped(v);
    return QStringLiteral("image %1x%2 in viewport %3x%4")
        .arg(r.width()).arg(r.height()).arg(v->viewport()->width()).arg(v->viewport()->height());
}

QImage picture(int w, int h, QColor colour) {
    QImage image(w, h, QImage::Format_RGB32);
    image.fill(colour);
    return image;
}

void wheel(QGraphicsView* v, int delta) {
    const QPointF at = v->viewport()->rect().center();
    QWheelEvent e(at, v->viewport()->mapToGlobal(at), QPoint(), QPoint(0, delta), Qt::NoButton, Qt::NoModifier,
                  Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(v->viewport(), &e);
}

}  // namespace

class DetectionCompareViewTest : public QObject {
    Q_OBJECT
private slots:
    // The app's normal start: the images arrive while another tab is current.
    void fitsWhenItsTabIsFirstShown() {
        QTabWidget tabs;
        auto* other = new QLabel(QStringLiteral("graph"));
        auto* view = new DetectionCompareView;
        tabs.addTab(other, QStringLiteral("Graph"));
        tabs.addTab(view, QStringLiteral("Detections"));
        tabs.resize(1400, 900);
        tabs.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tabs));
        view->showResult(picture(1280, 720, Qt::red), picture(1280, 720, Qt::blue), QStringLiteral("summary"));
        tabs.setCurrentWidget(view);
        QTRY_VERIFY2(fits(view->fp32View()), qPrintable(describe(view->fp32View())));
        QVERIFY2(fits(view->quantizedView()), qPrintable(describe(view->quantizedView())));
        // A wide image in a tall view fills its width: the mapped width is the viewport's.
        QVERIFY(std::abs(mapped(view->fp32View()).width() - view->fp32View()->viewport()->width()) <= 3);
        QCOMPARE(view->fp32View()->transform(), view->quantizedView()->transform());

        // Resizing the window refits.
        const int before = mapped(view->fp32View()).width();
        tabs.resize(900, 700);
        QTRY_VERIFY2(fits(view->fp32View()), qPrintable(describe(view->fp32View())));
        QVERIFY(mapped(view->fp32View()).width() < before);
        QVERIFY(fits(view->quantizedView()));

        // A new image of another shape is fitted too.
        view->showResult(picture(300, 900, Qt::red), picture(300, 900, Qt::blue), QStringLiteral("tall"));
        QTRY_VERIFY2(fits(view->fp32View()), qPrintable(describe(view->fp32View())));
        QVERIFY(std::abs(mapped(view->fp32View()).height() - view->fp32View()->viewport()->height()) <= 3);
    }

    void zoomIsKeptUntilFit() {
        DetectionCompareView view;
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showResult(picture(1280, 720, Qt::red), picture(1280, 720, Qt::blue), QStringLiteral("summary"));
        QTRY_VERIFY(fits(view.fp32View()));
        const qreal fitted = view.fp32View()->transform().m11();

        wheel(view.fp32View(), 480);  // zoom in on the left: both sides follow
        QVERIFY(view.zoomedByUser());
        const qreal zoomed = view.fp32View()->transform().m11();
        QVERIFY(zoomed > fitted * 1.5);
        QCOMPARE(view.quantizedView()->transform(), view.fp32View()->transform());
        // Panning one side pans the other.
        view.fp32View()->horizontalScrollBar()->setValue(view.fp32View()->horizontalScrollBar()->maximum() / 2);
        QCOMPARE(view.quantizedView()->horizontalScrollBar()->value(), view.fp32View()->horizontalScrollBar()->value());

        // Resize and the next image keep the zoom the user chose.
        view.resize(1000, 700);
        QTest::qWait(50);
        view.showResult(picture(1280, 720, Qt::green), picture(1280, 720, Qt::yellow), QStringLiteral("next"));
        QTest::qWait(50);
        QCOMPARE(view.fp32View()->transform().m11(), zoomed);
        QVERIFY(!fits(view.fp32View()));

        // The Fit button fits both again.
        auto* fit = view.findChild<QPushButton*>();
        QVERIFY(fit);
        QCOMPARE(fit->text(), QStringLiteral("Fit"));
        QTest::mouseClick(fit, Qt::LeftButton);
        QVERIFY2(fits(view.fp32View()), qPrintable(describe(view.fp32View())));
        QVERIFY(fits(view.quantizedView()));
        QVERIFY(!view.zoomedByUser());

        // So does F in a view that has the focus.
        wheel(view.quantizedView(), -240);
        QVERIFY(!fits(view.fp32View()));
        view.quantizedView()->setFocus();
        QTRY_VERIFY(view.quantizedView()->hasFocus());
        QTest::keyClick(view.quantizedView(), Qt::Key_F);
        QVERIFY2(fits(view.fp32View()), qPrintable(describe(view.fp32View())));
        QVERIFY(fits(view.quantizedView()));
    }

    void legendNamesTheMovedColour() {
        DetectionCompareView view;
        bool said = false;
        for (auto* label : view.findChildren<QLabel*>())
            said |= label->text().contains(QStringLiteral("White edged with black: moved"));
        QVERIFY(said);
    }
};

QTEST_MAIN(DetectionCompareViewTest)
#include "DetectionCompareViewTest.moc"
