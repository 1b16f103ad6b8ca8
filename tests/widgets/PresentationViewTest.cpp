// Presentation mode as a presenter uses it: a clicker's Page Up/Down and the arrows step through
// the pictures, the wipe shows FP32 left of the divider and INT8 right of it (checked on the
// pixels drawn), blink flips between the two, Esc asks to leave, and at a 1366x768 projector the
// picture, the headline and the status all fit on screen, in a dark palette too.
#include <QLabel>
#include <QSignalSpy>
#include <QTest>

#include "PresentationView.h"
#include "detect/Annotator.h"
#include "detect/ClassNames.h"
#include "detect/DetectorPair.h"
#include "report/HtmlReport.h"
#include "support/TestModels.h"

using namespace ql;
using ql::test::sharedFile;

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

    // A video's slides: V plays (the frames come from outside), pauses and resumes; the live frame
    // is what is drawn; a step key stops it and goes back to the slide it left; images without a
    // video do not play.
    void vPlaysAndPausesAVideo() {
        PresentationView view;
        view.resize(800, 600);
        view.setSlides({slide("clip.avi frame 3"), slide("clip.avi frame 9")});
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy play(&view, &PresentationView::playRequested);
        QSignalSpy pause(&view, &PresentationView::pauseRequested);
        QSignalSpy stop(&view, &PresentationView::stopRequested);
        QTest::keyClick(&view, Qt::Key_V);
        QCOMPARE(play.count(), 0);  // not playable: images
        view.setPlayable(true);
        QTest::keyClick(&view, Qt::Key_PageDown);
        QTest::keyClick(&view, Qt::Key_V);
        QCOMPARE(play.count(), 1);
        QCOMPARE(view.playback(), PresentationView::Playback::Playing);
        PresentationSlide live = slide("clip.avi frame 5");
        live.fp32.fill(Qt::green);  // the live frame, not the slide, is drawn
        live.quantized.fill(Qt::green);
        view.showLiveFrame(live);
        QVERIFY(view.showingLive());
        QCOMPARE(pixelAt(view, view.pictureRect().center() - QPoint(100, 0)), QColor(Qt::green));  // off the divider
        const QString status = view.findChild<QLabel*>(QStringLiteral("presentationStatus"))->text();
        QVERIFY2(status.startsWith(QStringLiteral("clip.avi frame 5")) && status.contains(QStringLiteral("Playing")), qPrintable(status));
        QTest::keyClick(&view, Qt::Key_V);
        QCOMPARE(pause.count(), 1);
        QCOMPARE(pause.takeFirst().at(0).toBool(), true);
        QCOMPARE(view.playback(), PresentationView::Playback::Paused);
        QTest::keyClick(&view, Qt::Key_V);
        QCOMPARE(pause.takeFirst().at(0).toBool(), false);
        QTest::keyClick(&view, Qt::Key_PageDown);  // back to the slides
        QCOMPARE(stop.count(), 1);
        QVERIFY(!view.showingLive());
        QCOMPARE(view.current(), 1);
        QCOMPARE(pixelAt(view, view.pictureRect().center() + QPoint(100, 0)), QColor(Qt::blue));
        view.showLiveFrame(live);  // a frame still on its way after the stop is dropped
        QVERIFY(!view.showingLive());
        QTest::keyClick(&view, Qt::Key_V);  // played to the end, the last frame stays
        view.showLiveFrame(live);
        view.playbackEnded();
        QCOMPARE(view.playback(), PresentationView::Playback::Stopped);
        QVERIFY(view.showingLive());
        QVERIFY(view.findChild<QLabel*>(QStringLiteral("presentationStatus"))->text().contains(QStringLiteral("End of the video")));
        QTest::keyClick(&view, Qt::Key_V);  // and plays again
        QCOMPARE(play.count(), 3);
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

    // The real yolov8n pair on bus.jpg (skipped without ../shared): the drawn pictures fill most of
    // a 1366x768 screen. With QUANTLENS_SCREENSHOT set, the view is saved there (README picture).
    void realDetectionsAtProjectorSize() {
        const auto fp32Path = sharedFile("models/yolov8n_fp32.onnx");
        const auto int8Path = sharedFile("models/yolov8n_qdq_static.onnx");
        const auto image = sharedFile("images/bus.jpg");
        if (!fp32Path || !int8Path || !image)
            QSKIP("../shared is absent");
        auto fp32 = OnnxModel::load(*fp32Path);
        auto int8 = OnnxModel::load(*int8Path);
        QVERIFY(fp32 && int8);
        auto pair = DetectorPair::create(*fp32, *int8, DetectorOptions{}, cocoClassNames());
        QVERIFY2(pair, pair ? "" : pair.errorMessage().c_str());
        auto compared = pair->compare(*image);
        QVERIFY(compared);
        const auto& c = compared->comparison;
        const auto [left, right] = drawComparisonPanels(compared->bgr, c.fp32, c.quantized, c.match, cocoClassNames(), {}, {},
                                                         2.0);  // as the app draws slides: emphasis 2, no titles
        const auto toImage = [](const cv::Mat& bgr) {
            return QImage(bgr.data, bgr.cols, bgr.rows, static_cast<int>(bgr.step), QImage::Format_BGR888).copy();
        };
        PresentationView view;
        view.resize(1366, 768);
        view.setHeadline(QStringLiteral("Do not ship INT8: 1.7\u00d7 faster, 3.6\u00d7 smaller, mAP@0.5 -2.1 points."));
        view.setSlides({{QStringLiteral("bus.jpg"), toImage(left), toImage(right),
                         QStringLiteral("%1 missed, %2 extra, %3 moved").arg(c.match.missed.size()).arg(c.match.extra.size()).arg(movedPairs(c.match).size())}});
        view.setWipe(0.5);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QRect r = view.pictureRect();
        QVERIFY(r.height() > 500);
        QVERIFY(QRect(0, 0, 1366, 768).contains(r));
        if (const QByteArray out = qgetenv("QUANTLENS_SCREENSHOT"); !out.isEmpty())
            QVERIFY(view.grab().save(QString::fromLocal8Bit(out)));
    }
};

QTEST_MAIN(PresentationViewTest)
#include "PresentationViewTest.moc"
