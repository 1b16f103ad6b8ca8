// Analysis › Study (StudyDialog): its rows equal a study the backend computes afresh for the same
// request (no cache: every figure worked out again, latency and memory aside, which are measured),
// the table is the CLI's CSV cell for cell and sorts by number, adding a variant computes that
// variant only (the rest come from the cache), the exports are the backend's writers and refuse
// to overwrite an input, and a row opens its model. On a conv net built with onnx.helper
// (tests/python/check_study.py make_fp32) and the generated eval fixture; no ../shared.
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>

#include "AppSettings.h"
#include "StudyDialog.h"
#include "quantize/CalibrationCache.h"
#include "report/HtmlReport.h"
#include "study/StudyJson.h"
#include "support/TestModels.h"

using namespace ql;

class StudyDialogTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void rowsEqualTheBackendsStudy();
    void addingAVariantComputesOnlyIt();
    void tableSortsByNumber();
    void exportsThroughTheBackendsWriters();
    void rowOpensItsModel();
    void badCalibrationSizeIsRefused();
    void cancelStopsTheStudy();
    void reportShowsTheStudy();
    void screenshots();

private:
    StudyInputs inputs(const QString& cache) const;
    void runAndWait(StudyDialog& dialog);
    QString fixture_, fp32Path_, shifted_, cacheDir_;
    std::shared_ptr<const OnnxModel> fp32_;
    std::shared_ptr<const YoloDataset> data_;
    std::unique_ptr<StudyDialog> dialog_;  // the first study, kept for the checks after it
};

void StudyDialogTest::initTestCase() {
    fixture_ = qEnvironmentVariable("QUANTLENS_EVAL_FIXTURE");
    fp32Path_ = qEnvironmentVariable("QUANTLENS_STUDY_FP32");
    if (fixture_.isEmpty() || !QFile::exists(fp32Path_))
        QSKIP("no eval fixture (run through CTest: python.make_eval_fixture, widgets.study_fixture)");
    shifted_ = fixture_ + "/tiny_detector_shifted.onnx";
    auto model = OnnxModel::load(fp32Path_.toStdString());
    QVERIFY2(model.ok(), model.ok() ? "" : model.errorMessage().c_str());
    fp32_ = std::make_shared<const OnnxModel>(std::move(model).value());
    auto data = YoloDataset::load((fixture_ + "/data/data.yaml").toStdString());
    QVERIFY(data.ok());
    data_ = std::make_shared<const YoloDataset>(std::move(data).value());
    cacheDir_ = QString::fromStdString(test::tempPath("study_dialog_cache"));
    QDir(cacheDir_).removeRecursively();
}

StudyInputs StudyDialogTest::inputs(const QString& cache) const {
    StudyInputs in;
    in.fp32 = fp32_;
    in.data = data_;
    StudyOptions& o = in.options;
    o.evaluation.detector.preprocess = PreprocessOptions::forModel(*fp32_);
    o.evaluation.warmupRuns = 1;
    o.evaluation.timedRuns = 2;
    for (const auto& item : data_->images)
        o.calibrationImages.push_back(item.image);
    o.calibration.preprocess = o.evaluation.detector.preprocess;
    if (!cache.isEmpty()) {
        o.cacheDirectory = cache.toStdString();
        o.calibrationCacheDirectory = (cache + "/calibration").toStdString();
    }
    in.exclusionLists = {{"float_add", {"add"}}, {"float_convs", {"conv1", "conv2"}}};
    return in;
}

void StudyDialogTest::runAndWait(StudyDialog& dialog) {
    QSignalSpy done(&dialog, &StudyDialog::finished);
    dialog.start();
    QVERIFY(done.count() == 1 || done.wait(120000));
    QVERIFY(!dialog.isRunning());
}

// minmax × {per-tensor, per-channel} × {none, float_add} and the shifted model: 1 + 1 + 4 rows.
void StudyDialogTest::rowsEqualTheBackendsStudy() {
    dialog_ = std::make_unique<StudyDialog>(inputs(cacheDir_));
    dialog_->findChild<QCheckBox*>("perChannel")->setChecked(true);
    auto* lists = dialog_->findChild<QListWidget*>("exclusions");
    QCOMPARE(lists->count(), 3);  // none, float_add, float_convs
    lists->item(1)->setCheckState(Qt::Checked);
    dialog_->addOtherModel(shifted_);
    const auto variants = dialog_->variants();
    QCOMPARE(variants.size(), size_t(4));
    runAndWait(*dialog_);
    QVERIFY(dialog_->result().has_value());
    const StudyResult& shown = *dialog_->result();
    QCOMPARE(shown.rows.size(), size_t(6));
    QCOMPARE(shown.computedRows, size_t(6));

    // The same request computed by the backend directly, with no cache.
    StudyOptions fresh = inputs({}).options;
    auto direct = runStudy(*fp32_, {shifted_.toStdString()}, variants, *data_, fresh);
    QVERIFY2(direct.ok(), direct.ok() ? "" : direct.errorMessage().c_str());
    QCOMPARE(direct->rows.size(), shown.rows.size());
    for (size_t i = 0; i < shown.rows.size(); ++i) {
        const StudyRow &a = shown.rows[i], &b = direct->rows[i];
        QCOMPARE(a.label, b.label);
        QCOMPARE(a.kind, b.kind);
        QCOMPARE(a.map50, b.map50);
        QCOMPARE(a.map50to95, b.map50to95);
        QCOMPARE(a.fidelity.has_value(), b.fidelity.has_value());
        if (a.fidelity)
            QCOMPARE(a.fidelity->map.map50to95, b.fidelity->map.map50to95);
        QCOMPARE(a.cost.parameters, b.cost.parameters);
        QCOMPARE(a.fileSize, b.fileSize);
    }
    // The variants differ from each other (the output Add left float or not).
    QVERIFY(shown.rows[2].fidelity->map.map50to95 != shown.rows[3].fidelity->map.map50to95);

    // The table shows the backend's CSV, cell for cell, in the measured columns too.
    const auto csv = studyTable(shown, "csv");
    QVERIFY(csv.ok());
    const QStringList lines = QString::fromStdString(*csv).split('\n', Qt::SkipEmptyParts);
    QTableWidget* table = dialog_->table();
    QCOMPARE(table->rowCount(), 6);
    QCOMPARE(table->columnCount(), 18);
    QCOMPARE(table->horizontalHeaderItem(4)->text(), QStringLiteral("mAP50-95"));
    for (int r = 0; r < 6; ++r) {
        const QStringList fields = lines[r + 1].split(',');
        for (int c = 0; c < table->columnCount(); ++c)
            if (c != 1)  // labels may hold quoted commas; compared above
                QCOMPARE(table->item(r, c)->text(), fields[c]);
    }
    // ... and the fresh study's figures wherever they are not measured times or memory (columns 11-17).
    const auto directCsv = studyTable(*direct, "csv");
    const QStringList directLines = QString::fromStdString(*directCsv).split('\n', Qt::SkipEmptyParts);
    for (int r = 0; r < 6; ++r) {
        const QStringList fields = directLines[r + 1].split(',');
        for (int c = 0; c <= 10; ++c)
            if (c != 1)
                QCOMPARE(table->item(r, c)->text(), fields[c]);
    }
}

void StudyDialogTest::addingAVariantComputesOnlyIt() {
    QVERIFY(dialog_);
    dialog_->findChild<QListWidget*>("exclusions")->item(2)->setCheckState(Qt::Checked);  // + float_convs × 2
    QCOMPARE(dialog_->variants().size(), size_t(6));
    runAndWait(*dialog_);
    const StudyResult& r = *dialog_->result();
    QCOMPARE(r.rows.size(), size_t(8));
    QCOMPARE(r.computedRows, size_t(2));
    QCOMPARE(r.cachedRows, size_t(6));
}

void StudyDialogTest::tableSortsByNumber() {
    QTableWidget* table = dialog_->table();
    table->sortByColumn(4, Qt::DescendingOrder);  // mAP50-95
    for (int r = 1; r < table->rowCount(); ++r)
        QVERIFY(table->item(r - 1, 4)->text().toDouble() >= table->item(r, 4)->text().toDouble());
    table->sortByColumn(0, Qt::AscendingOrder);
    for (int r = 0; r < table->rowCount(); ++r)
        QCOMPARE(table->item(r, 0)->text().toInt(), r + 1);  // numbers, not text: 10 after 9
}

void StudyDialogTest::exportsThroughTheBackendsWriters() {
    const QString dir = QString::fromStdString(test::tempPath("study_dialog_export"));
    QDir().mkpath(dir);
    QString error;
    QVERIFY(dialog_->exportTable(dir + "/study.csv", "csv", &error));
    QVERIFY(dialog_->exportTable(dir + "/study.md", "md", &error));
    QFile csv(dir + "/study.csv"), md(dir + "/study.md");
    QVERIFY(csv.open(QIODevice::ReadOnly) && md.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll().toStdString(), *studyTable(*dialog_->result(), "csv"));
    QCOMPARE(md.readAll().toStdString(), *studyTable(*dialog_->result(), "md"));
    // Never over an input: the FP32 model stays as it was.
    QFile model(fp32Path_);
    QVERIFY(model.open(QIODevice::ReadOnly));
    const QByteArray before = model.readAll();
    model.close();
    QVERIFY(!dialog_->exportTable(fp32Path_, "csv", &error));
    QVERIFY(error.contains("refusing") || error.contains("input"));
    QVERIFY(model.open(QIODevice::ReadOnly));
    QCOMPARE(model.readAll(), before);
}

void StudyDialogTest::rowOpensItsModel() {
    QTableWidget* table = dialog_->table();
    QSignalSpy open(dialog_.get(), &StudyDialog::openModelRequested);
    auto* button = dialog_->findChild<QPushButton*>("openRow");
    table->selectRow(0);  // the baseline: nothing to open as the quantized model
    QVERIFY(!button->isEnabled());
    table->selectRow(2);
    QVERIFY(button->isEnabled());
    button->click();
    QCOMPARE(open.count(), 1);
    const QString path = open.first().first().toString();
    QCOMPARE(path.toStdString(), dialog_->result()->rows[2].model);
    QVERIFY(QFile::exists(path));
    auto reopened = OnnxModel::load(path.toStdString());
    QVERIFY(reopened.ok());
}

void StudyDialogTest::badCalibrationSizeIsRefused() {
    StudyDialog dialog(inputs(cacheDir_));
    dialog.findChild<QLineEdit*>("sizes")->setText("all, 0");
    QString error;
    QVERIFY(dialog.variants(&error).empty());
    QVERIFY(error.contains("\"0\""));
    dialog.findChild<QLineEdit*>("sizes")->setText("2, all");
    error.clear();
    QCOMPARE(dialog.variants(&error).size(), size_t(2));
    QVERIFY(error.isEmpty());
}

// Cancel right after Run (a fresh cache, so nothing is ready): no result, the dialog ready again.
void StudyDialogTest::cancelStopsTheStudy() {
    const QString cache = QString::fromStdString(test::tempPath("study_dialog_cancel"));
    QDir(cache).removeRecursively();
    StudyDialog dialog(inputs(cache));
    dialog.findChild<QCheckBox*>("perChannel")->setChecked(true);
    QSignalSpy done(&dialog, &StudyDialog::finished);
    dialog.start();
    QVERIFY(dialog.isRunning());
    dialog.cancel();
    QVERIFY(done.wait(120000));
    QVERIFY(!dialog.isRunning());
    QVERIFY(!dialog.result().has_value());
    QVERIFY(dialog.findChild<QPushButton*>("run")->isEnabled());
}

// The report's Study section: the backend's table cell for cell, and its Pareto plot as the last picture.
void StudyDialogTest::reportShowsTheStudy() {
    ReportContent content;
    content.study = *dialog_->result();
    const std::string html = renderHtml(content);
    QVERIFY(html.find("<h2>Study</h2>") != std::string::npos);
    const auto csv = studyTable(*content.study, "csv");
    const QStringList lines = QString::fromStdString(*csv).split('\n', Qt::SkipEmptyParts);
    for (int r = 1; r < lines.size(); ++r) {
        const QStringList f = lines[r].split(',');
        const std::string cells = "<td class=\"num\">" + f[0].toStdString() + "</td>";
        QVERIFY2(html.find(cells) != std::string::npos, cells.c_str());
        QVERIFY(html.find("<td class=\"num\">" + f[4].toStdString() + "</td>") != std::string::npos);  // mAP50-95
    }
    const auto images = reportImages(content);
    QVERIFY(!images.empty());
    QVERIFY(images.back() == studyParetoPng(*content.study));
    QVERIFY(html.find("data:image/png;base64,") != std::string::npos);
    content.language = ReportLanguage::Chinese;
    QVERIFY(renderHtml(content).find("\u5bf9\u6bd4\u7814\u7a76") != std::string::npos);  // 对比研究
    // `report --study FILE`: the JSON `study --format json` writes reads back to the same table and plot.
    auto back = studyFromJson(studyJson(*content.study).dump(2), "study.json");
    QVERIFY2(back.ok(), back.ok() ? "" : back.errorMessage().c_str());
    QCOMPARE(*studyTable(*back, "csv"), *csv);
    QVERIFY(studyParetoPng(*back) == studyParetoPng(*content.study));
    auto bad = studyFromJson("{\"images\": 3}", "x.json");
    QVERIFY(!bad.ok());
    QVERIFY(bad.errorMessage().find("x.json is not a study's JSON") != std::string::npos);
    QVERIFY(!studyFromJson("not json", "y.json").ok());
    // No study: no section.
    content.study.reset();
    QVERIFY(renderHtml(content).find("<h2>Study</h2>") == std::string::npos);
}

// 1920x1080 and 1366x768, light and dark, English and Chinese, when QUANTLENS_SHOT_DIR names a folder.
void StudyDialogTest::screenshots() {
    const QString dir = qEnvironmentVariable("QUANTLENS_SHOT_DIR");
    if (dir.isEmpty())
        QSKIP("QUANTLENS_SHOT_DIR not set");
    QDir().mkpath(dir);
    for (const QString& lang : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
        if (lang != "en") {
            AppSettings::setLanguage(lang);
            AppSettings::installTranslator(*qApp);
        }
        for (const Theme theme : {Theme::Light, Theme::Dark}) {
            AppSettings::applyTheme(theme);
            for (const QSize size : {QSize(1920, 1080), QSize(1366, 768)}) {
                StudyDialog dialog(inputs(cacheDir_));
                dialog.findChild<QCheckBox*>("perChannel")->setChecked(true);
                dialog.findChild<QListWidget*>("exclusions")->item(1)->setCheckState(Qt::Checked);
                dialog.addOtherModel(shifted_);
                dialog.resize(size);
                dialog.show();
                runAndWait(dialog);
                QTest::qWait(50);
                const QString name = QString("%1/study-%2x%3-%4-%5.png")
                                         .arg(dir)
                                         .arg(size.width())
                                         .arg(size.height())
                                         .arg(theme == Theme::Dark ? "dark" : "light")
                                         .arg(lang);
                QVERIFY(dialog.grab().save(name));
            }
        }
    }
}

QTEST_MAIN(StudyDialogTest)
#include "StudyDialogTest.moc"
