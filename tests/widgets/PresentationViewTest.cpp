// Presentation mode as a presenter uses it: a clicker's Page Up/Down and the arrows step through
// the pictures, the wipe shows FP32 left of the divider and INT8 right of it (checked on the
// pixels drawn), blink flips between the two, Esc asks to leave, and at a 1366x768 projector the
// picture, the headline and the status all fit on screen, in a dark palette too.
#include <QLabel>
#include <QSignalSpy>
#include <QTest>

#include "PresentationView.h"

using namespace ql;

namespace {

// FP32 picture all red, INT8 all blue: whichever shows at a pixel tells which side it is.
PresentationSlide slide(const QString& name, QSize size = {640, 480}) {
    PresentationSlide s;
    s.name = name;
    s.fp32 = QImage(size, QImage::Format_RGB32);
    s.fp32.fill(Qt::red);
    s.quantized = QImage(size, QImage::Format_RGB32);
    s.quantized.fill(Qt::blue);
    s.caption = QStringLiteral("1 missed");
    return s;
}

QColor pixelAt(QWidget& w, QPoint at) { return w.grab().toImage().pixelColor(at); }

}  // namespace

class PresentationViewTest : public QObject {
    Q_OBJECT
private slots:
    void keysStepThroughTheSlides() {
        PresentationView view;
        view.resize(800, 600);
        view.setSlides({slide("a.jpg"), slide("b.jpg"), slide("c.jpg")});
        QCOMPARE(view.current(), 0);
        QTest::keyClick(&view, Qt::Key_PageDown);
        QCOMPARE(view.current(), 1);
        QTest::keyClick(&view, Qt::Key_Down);
        QCOMPARE(view.current(), 2);
        QTest::keyClick(&view, Qt::Key_PageDown);  // stays on the last
        QCOMPARE(view.current(), 2);
        QTest::keyClick(&view, Qt::Key_PageUp);
        QCOMPARE(view.current(), 1);
        QTest::keyClick(&view, Qt::Key_Home);
        QCOMPARE(view.current(), 0);
        QVERIFY(view.findChild<QLabel*>(QStringLiteral("presentationStatus"))->text().startsWith(QStringLiteral("1 of 3: a.jpg")));
        QSignalSpy leave(&view, &PresentationView::closeRequested);
        QTest::keyClick(&view, Qt::Key_Escape);
        QCOMPARE(leave.count(), 1);
    }

    void wipeShowsFp32LeftAndInt8Right() {
        PresentationView view;
        view.resize(800, 600);
        view.setSlides({slide("a.jpg")});
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.mode(), PresentationView::Mode::Wipe);
        view.setWipe(0.25);
        QRect r = view.pictureRect();
        QVERIFY(r.width() > 100);
        const int y = r.center().y();
        QCOMPARE(pixelAt(view, {r.x() + r.width() / 8, y}), QColor(Qt::red));       // left of the divider at 1/4
        QCOMPARE(pixelAt(view, {r.x() + r.width() * 3 / 8, y}), QColor(Qt::blue));  // right of it
        QTest::keyClick(&view, Qt::Key_Right);  // the divider moves right by a tenth
        QCOMPARE(view.wipe(), 0.35);
        QCOMPARE(pixelAt(view, {r.x() + r.width() * 3 / 10, y}), QColor(Qt::red));
        // A click puts the divider where it lands.
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(r.x() + r.width() * 3 / 4, y));
        QVERIFY(qAbs(view.wipe() - 0.75) < 0.01);
        QCOMPARE(pixelAt(view, {r.x() + r.width() * 5 / 8, y}), QColor(Qt::red));
        // Blink: the whole picture is one model, Space flips it; the arrows then step.
        QTest::keyClick(&view, Qt::Key_B);
        QCOMPARE(view.mode(), PresentationView::Mode::Blink);
        QCOMPARE(pixelAt(view, {r.x() + 10, y}), QColor(Qt::blue));
        QTest::keyClick(&view, Qt::Key_Space);
        QVERIFY(!view.showingQuantized());
        QCOMPARE(pixelAt(view, {r.right() - 10, y}), QColor(Qt::red));
    }

    void fitsA1366x768ProjectorInDarkMode() {
        PresentationView view;
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(30, 30, 30));
        dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
        view.setPalette(dark);
        view.resize(1366, 768);
        view.setHeadline(QStringLiteral("Ship INT8: 1.7\u00d7 faster, 3.6\u00d7 smaller, mAP@0.5 \u22122.1 points."));
        view.setSlides({slide("wide.jpg", {1280, 720}), slide("tall.jpg", {480, 800})});
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        for (int i = 0; i < 2; ++i) {
            const QRect r = view.pictureRect();
            QVERIFY2(QRect(0, 0, 1366, 768).contains(r), qPrintable(QStringLiteral("picture %1 off screen").arg(i)));
            QVERIFY(r.height() > 400);  // most of the screen: readable across a room
            auto* headline = view.findChild<QLabel*>(QStringLiteral("presentationHeadline"));
            auto* status = view.findChild<QLabel*>(QStringLiteral("presentationStatus"));
            QVERIFY(headline->geometry().bottom() < r.top());
            QVERIFY(status->geometry().top() > r.bottom());
            QVERIFY(status->geometry().bottom() < 768);
            QVERIFY(headline->font().pointSizeF() >= 18);
            // The background follows the palette (dark), outside the picture.
            QCOMPARE(pixelAt(view, {2, r.center().y()}), QColor(30, 30, 30));
            QTest::keyClick(&view, Qt::Key_PageDown);
        }
    }
};

QTEST_MAIN(PresentationViewTest)
#include "PresentationViewTest.moc"
