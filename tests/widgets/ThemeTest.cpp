// Dark mode as a person sees it, measured on rendered pixels: tick boxes stand out from the base
// they are drawn on, the graph legend's labels are dark on their light swatches, and the
// histogram plots follow a theme chosen at run time (background, axes, labels).
#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QStyle>
#include <QStyleOption>
#include <QTableWidget>
#include <QTest>
#include <qcustomplot.h>

#include "AppSettings.h"
#include "GraphView.h"
#include "HistogramPlot.h"

using namespace ql;

namespace {

int lightness(QRgb c) { return QColor(c).lightness(); }

// Pixels of `rect` in `image` whose lightness differs from `reference` by at least `by`.
int contrasting(const QImage& image, QRect rect, QColor reference, int by) {
    int n = 0;
    rect &= image.rect();
    for (int y = rect.top(); y <= rect.bottom(); ++y)
        for (int x = rect.left(); x <= rect.right(); ++x)
            n += std::abs(lightness(image.pixel(x, y)) - reference.lightness()) >= by;
    return n;
}

QImage render(QWidget& w) {
    w.show();
    QApplication::processEvents();
    return w.grab().toImage().convertToFormat(QImage::Format_RGB32);
}

}  // namespace

class ThemeTest : public QObject {
    Q_OBJECT
private slots:
    void init() { AppSettings::applyTheme(Theme::Dark); }
    void cleanup() { AppSettings::applyTheme(Theme::Light); }

    // A check box in an options dialog: unticked, its frame shows; ticked, its mark shows.
    void tickBoxesStandOutInDarkMode() {
        const QColor base = QApplication::palette().color(QPalette::Base);
        QVERIFY(base.lightness() < 60);
        for (const bool ticked : {false, true}) {
            QCheckBox box(QStringLiteral("Per-channel weights"));
            box.setChecked(ticked);
            box.resize(box.sizeHint());
            const QImage image = render(box);
            QStyleOptionButton option;
            option.initFrom(&box);
            const QRect indicator = box.style()->subElementRect(QStyle::SE_CheckBoxIndicator, &option, &box);
            QVERIFY(!indicator.isEmpty());
            // The frame: a ring of pixels at least 60 levels from the base (Fusion alone: about 5).
            const int frame = contrasting(image, indicator, base, 60);
            QVERIFY2(frame >= indicator.width() * 2, qPrintable(QStringLiteral("%1 frame pixels").arg(frame)));
            if (ticked) {  // the mark inside the frame, far brighter than the base
                const int mark = contrasting(image, indicator.adjusted(3, 3, -3, -3), base, 100);
                QVERIFY2(mark >= 6, qPrintable(QStringLiteral("%1 mark pixels").arg(mark)));
            }
        }
    }

    // The layer tables' "Float" column: an unticked cell still shows a box.
    void tableTickBoxesStandOutInDarkMode() {
        QTableWidget table(1, 2);
        auto* item = new QTableWidgetItem;
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
        table.setItem(0, 0, item);
        table.resize(300, 120);
        const QImage image = render(table);
        const QColor base = QApplication::palette().color(QPalette::Base);
        const QRect cell = table.visualRect(table.model()->index(0, 0)).translated(table.viewport()->pos());
        const QRect empty = table.visualRect(table.model()->index(0, 1)).translated(table.viewport()->pos());
        const int inCell = contrasting(image, cell.adjusted(1, 1, -2, -2), base, 60);
        const int inEmpty = contrasting(image, empty.adjusted(1, 1, -2, -2), base, 60);
        QVERIFY2(inCell >= 24 && inEmpty == 0, qPrintable(QStringLiteral("box %1, empty cell %2").arg(inCell).arg(inEmpty)));
    }

    // The legend's swatches are light: their labels must be dark there, not the dark theme's light text.
    void legendLabelsAreReadableInDarkMode() {
        GraphView view;
        HeatScale scale{QStringLiteral("SQNR"), 10, 40, QStringLiteral("bad"), QStringLiteral("WWWWWW"), QStringLiteral("good")};
        view.setHeatMap({}, scale);
        QLabel* legend = nullptr;
        for (auto* l : view.findChildren<QLabel*>())
            if (l->text().contains(QStringLiteral("WWWWWW")))
                legend = l;
        QVERIFY(legend);
        legend->resize(legend->sizeHint());
        const QImage image = render(*legend);
        // The middle swatch: saturated yellow-green pixels (hue 40-90 degrees); its label's glyphs
        // are the dark pixels inside their bounding box.
        QRect swatch;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                const QColor c(image.pixel(x, y));
                if (c.hsvSaturation() > 100 && c.value() > 200 && c.hsvHue() >= 40 && c.hsvHue() <= 90)
                    swatch |= QRect(x, y, 1, 1);
            }
        QVERIFY2(swatch.width() > 20, qPrintable(QStringLiteral("swatch %1 px wide").arg(swatch.width())));
        int dark = 0;
        for (int y = swatch.top(); y <= swatch.bottom(); ++y)
            for (int x = swatch.left(); x <= swatch.right(); ++x)
                dark += lightness(image.pixel(x, y)) < 90;
        QVERIFY2(dark >= 20, qPrintable(QStringLiteral("%1 dark glyph pixels on the swatch").arg(dark)));
    }

    // Switching the theme while the window is open recolours the plots: the background, the
    // tick labels and the title follow the palette, both ways.
    void histogramsFollowTheThemeAtRunTime() {
        AppSettings::applyTheme(Theme::Light);
        HistogramPlot plot;
        plot.resize(400, 400);
        plot.setHistograms(makeHistograms({-0.5f, 0.0f, 0.2f, 0.25f}, {-0.49f, 0.01f, 0.21f, 0.26f}, 16), QStringLiteral("tensor"));
        auto corner = [&] {  // the plot's background, away from axes and legend
            const QImage image = render(plot);
            return QColor(image.pixel(4, 4)).lightness();
        };
        QVERIFY2(corner() > 200, qPrintable(QString::number(corner())));
        AppSettings::applyTheme(Theme::Dark);
        QApplication::processEvents();
        const QColor text = QApplication::palette().color(QPalette::Text);
        QVERIFY2(corner() < 60, qPrintable(QString::number(corner())));
        for (QCustomPlot* p : {plot.valuesPlot(), plot.errorPlot()}) {
            QCOMPARE(p->xAxis->tickLabelColor(), text);
            QCOMPARE(p->yAxis->labelColor(), text);
            QCOMPARE(p->xAxis->grid()->pen().color(), QApplication::palette().color(QPalette::Mid));
        }
        QCOMPARE(plot.valuesPlot()->legend->textColor(), text);
        auto* title = qobject_cast<QCPTextElement*>(plot.valuesPlot()->plotLayout()->element(0, 0));
        QVERIFY(title);
        QCOMPARE(title->textColor(), text);
        AppSettings::applyTheme(Theme::Light);
        QApplication::processEvents();
        QVERIFY2(corner() > 200, qPrintable(QString::number(corner())));
        QCOMPARE(plot.valuesPlot()->xAxis->tickLabelColor(), QApplication::palette().color(QPalette::Text));
    }
};

QTEST_MAIN(ThemeTest)
#include "ThemeTest.moc"
