// The Runs dock's table and comparison as a person reads them: one row per run with the change
// of exclusions, figures that were not measured left empty, latency with its spread, a model
// that passes Qt's item-model checks, the two-run comparison with the layers that changed most
// (values worked out by hand), and a plot that follows a theme change.
#include <QAbstractItemModelTester>
#include <QTableView>
#include <QTest>
#include <qcustomplot.h>

#include "RunsView.h"

using namespace ql;

namespace {

Run makeRun(int number, RunOrigin origin, std::vector<std::string> excluded, double outputDb) {
    Run r;
    r.number = number;
    r.origin = origin;
    r.name = "run " + std::to_string(number);
    r.exclusions = std::move(excluded);
    if (!std::isnan(outputDb)) {
        r.metrics.images = 2;
        r.metrics.parts = {{"output0", outputDb}, {"output0 boxes", outputDb + 5}, {"output0 class scores", outputDb - 10}};
        r.metrics.fidelity50 = 0.9;
        r.metrics.latency = LatencyStats{20, 10.0, 12.0, 16.0, 12.5};
        r.metrics.sizeBytes = 3'520'000;
    }
    return r;
}

std::shared_ptr<ActivationReport> reportWith(std::vector<std::pair<std::string, double>> layers) {
    auto report = std::make_shared<ActivationReport>();
    for (const auto& [name, db] : layers) {
        ActivationError e;
        e.name = e.fp32Name = name;
        e.accumulated.sqnrDb = db;
        report->layers.push_back(e);
    }
    return report;
}

}  // namespace

class RunsViewTest : public QObject {
    Q_OBJECT
private slots:
    void tableReadsAsARunLog() {
        RunsView view;
        new QAbstractItemModelTester(view.model(), QAbstractItemModelTester::FailureReportingMode::QtTest, &view);
        view.setRuns({makeRun(1, RunOrigin::Loaded, {"a"}, 30.0), makeRun(2, RunOrigin::Baseline, {}, NAN),
                      makeRun(3, RunOrigin::Requantized, {"b", "c"}, 31.25)},
                     3, {1, 3}, {});
        const RunsModel* m = view.model();
        QCOMPARE(m->rowCount(), 3);
        const auto cell = [&](int row, RunsModel::Column c) { return m->data(m->index(row, c), Qt::DisplayRole).toString(); };
        QCOMPARE(cell(1, RunsModel::Excluded), QStringLiteral("0 (\u22121)"));
        QCOMPARE(cell(2, RunsModel::Excluded), QStringLiteral("2 (+2)"));
        QCOMPARE(cell(1, RunsModel::Output), QStringLiteral("measuring..."));
        QCOMPARE(cell(2, RunsModel::Output), QStringLiteral("31.25"));
        QCOMPARE(cell(2, RunsModel::Scores), QStringLiteral("21.25"));
        QCOMPARE(cell(0, RunsModel::Latency), QStringLiteral("12.0 ± 3.0"));  // (16 - 10) / 2
        QCOMPARE(cell(0, RunsModel::Size), QStringLiteral("3.52 MB"));
        QVERIFY(cell(2, RunsModel::Number).startsWith(QStringLiteral("\u25B6")));  // the run shown
        QVERIFY(m->data(m->index(2, 0), Qt::FontRole).value<QFont>().bold());
        QVERIFY(m->data(m->index(2, RunsModel::Excluded), Qt::ToolTipRole).toString().contains(QStringLiteral("+ b")));
        QVERIFY(std::isnan(m->data(m->index(1, RunsModel::Output), RunsModel::SortRole).toDouble()));
        QVERIFY(m->data(m->index(1, 0), Qt::ToolTipRole).toString().contains(QStringLiteral("no model")));
    }

    void comparesTwoRunsWithTheLayersThatChanged() {
        RunsView view;
        const auto before = reportWith({{"x", 20.0}, {"y", 30.0}, {"z", 40.0}});
        const auto after = reportWith({{"x", 26.5}, {"y", 29.0}, {"z", 40.0}});
        view.setRuns({makeRun(1, RunOrigin::Loaded, {"a"}, 30.0), makeRun(2, RunOrigin::Requantized, {"a", "b"}, 32.5)}, 2,
                     {1, 2}, [&](int n) -> std::shared_ptr<const ActivationReport> { return n == 1 ? before : after; });
        view.selectRuns({1, 2});
        const QString text = view.comparisonText();
        QVERIFY2(text.contains(QStringLiteral("Run 2 against run 1")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("+2.50")), qPrintable(text));  // output 30.00 -> 32.50
        QVERIFY2(text.contains(QStringLiteral("+ b")), qPrintable(text));
        // x changed most (+6.5), then y (-1.0); z did not change and comes last.
        const int x = text.indexOf(QStringLiteral("x\n20.00 → 26.50 dB\n+6.50")),
                  y = text.indexOf(QStringLiteral("y\n30.00 → 29.00 dB\n-1.00"));
        QVERIFY2(x >= 0 && y > x, qPrintable(text));
        view.selectRuns({2});
        QVERIFY(view.comparisonText().contains(QStringLiteral("Select two runs")));
    }

    void plotFollowsTheMetricAndTheTheme() {
        RunsView view;
        view.resize(900, 300);
        view.show();
        view.setRuns({makeRun(1, RunOrigin::Loaded, {}, 30.0), makeRun(2, RunOrigin::Requantized, {"b"}, 32.5)}, 2, {1, 2}, {});
        view.setPlotMetric(RunsModel::Latency);
        QCustomPlot* plot = view.plot();
        QCOMPARE(plot->graph(0)->dataCount(), 2);
        QCOMPARE(plot->xAxis->range().lower, 0.5);  // runs 1 and 2, half a run either side
        QCOMPARE(plot->xAxis->range().upper, 2.5);
        QVERIFY(plot->yAxis->range().lower <= 12.0 - 3.0);  // the spread's error bar fits
        QPalette dark = view.palette();
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        view.setPalette(dark);
        QCOMPARE(plot->xAxis->basePen().color(), QColor(230, 230, 230));
        QCOMPARE(plot->xAxis->tickLabelColor(), QColor(230, 230, 230));
    }
};

QTEST_MAIN(RunsViewTest)
#include "RunsViewTest.moc"
