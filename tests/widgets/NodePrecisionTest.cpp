// Per-node precision in the app (Workspace::setNodePrecision): INT16 puts the TensorQuantOverrides
// worked out by hand for the node (its float activation inputs and outputs QUInt16, its weight
// QInt16) in the settings, float is the exclusion list, each change is one undo step, a project
// keeps them, and re-quantize makes a model whose tensors are read back (QdqStructure of the saved
// file) with 16-bit Q/DQ where asked and 8-bit elsewhere. On the study conv net of
// tests/python/check_study.py (conv1 → relu1 → conv2 → pool → ... → add); no ../shared.
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QtTest>

#include "AppSettings.h"
#include "GraphView.h"
#include "MainWindow.h"
#include "StudyDialog.h"
#include "SuggestOptionsDialog.h"
#include "WeightErrorModel.h"
#include "Workspace.h"
#include "inspect/AnalyzedModel.h"
#include "support/TestModels.h"

#include <QCheckBox>

using namespace ql;

namespace {

bool waitIdle(Workspace& w, int ms = 120000) {
    QElapsedTimer t;
    t.start();
    while (w.isBusy() && t.elapsed() < ms)
        QTest::qWait(50);
    return !w.isBusy();
}

std::string typeOf(const nlohmann::json& overrides, const std::string& tensor) {
    if (!overrides.contains(tensor))
        return "";
    return overrides.at(tensor).at(0).at("quant_type").get<std::string>();
}

}  // namespace

class NodePrecisionTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void int16IsTheNodesOverridesAndUndoable();
    void floatIsTheExclusionList();
    void projectKeepsThePrecisions();
    void requantizeMakesSixteenBitQdq();
    void suggestOptionsOfferInt16First();
    void studyStartsFromTheSession();
    void screenshots();

private:
    QString fp32_, images_;
    Workspace workspace_;
};

void NodePrecisionTest::initTestCase() {
    fp32_ = qEnvironmentVariable("QUANTLENS_STUDY_FP32");
    images_ = qEnvironmentVariable("QUANTLENS_EVAL_FIXTURE") + "/data/images/val";
    if (!QFile::exists(fp32_))
        QSKIP("no study model (run through CTest: widgets.study_fixture)");
    QSignalSpy loaded(&workspace_, &Workspace::modelChanged);
    workspace_.openModel(fp32_, Workspace::Slot::Fp32);
    QVERIFY(waitIdle(workspace_));
    QVERIFY(workspace_.model(Workspace::Slot::Fp32));
    workspace_.setImages({images_});
    QVERIFY(waitIdle(workspace_));
}

void NodePrecisionTest::int16IsTheNodesOverridesAndUndoable() {
    const int steps = workspace_.undoStack()->count();
    workspace_.setNodePrecision({"conv2"}, Workspace::Precision::Int16);
    QCOMPARE(workspace_.undoStack()->count(), steps + 1);
    QCOMPARE(workspace_.nodePrecision("conv2"), Workspace::Precision::Int16);
    QCOMPARE(workspace_.nodePrecision("conv1"), Workspace::Precision::Int8);
    QCOMPARE(workspace_.int16Nodes(), QSet<QString>{"conv2"});
    // By hand: conv2 reads r1 (relu1's output) and W2, and writes c2; unsigned activations by default.
    const nlohmann::json& o = workspace_.quantizerSettings().tensorQuantOverrides;
    QCOMPARE(o.size(), size_t(3));
    QCOMPARE(typeOf(o, "r1"), std::string("QUInt16"));
    QCOMPARE(typeOf(o, "W2"), std::string("QInt16"));
    QCOMPARE(typeOf(o, "c2"), std::string("QUInt16"));
    workspace_.undoStack()->undo();
    QVERIFY(workspace_.quantizerSettings().tensorQuantOverrides.empty());
    QCOMPARE(workspace_.nodePrecision("conv2"), Workspace::Precision::Int8);
    workspace_.undoStack()->redo();
    QCOMPARE(workspace_.nodePrecision("conv2"), Workspace::Precision::Int16);
}

void NodePrecisionTest::floatIsTheExclusionList() {
    const int steps = workspace_.undoStack()->count();
    workspace_.setNodePrecision({"gemm", "matmul"}, Workspace::Precision::Float);
    QCOMPARE(workspace_.undoStack()->count(), steps + 1);  // one step for both
    QCOMPARE(workspace_.exclusions(), (std::vector<std::string>{"gemm", "matmul"}));
    QCOMPARE(workspace_.nodePrecision("gemm"), Workspace::Precision::Float);
    QCOMPARE(workspace_.nodePrecision("conv2"), Workspace::Precision::Int16);  // untouched
    // conv2 to float drops its INT16 entries; back to INT16 restores them.
    workspace_.setNodePrecision({"conv2"}, Workspace::Precision::Float);
    QVERIFY(workspace_.quantizerSettings().tensorQuantOverrides.empty());
    QVERIFY(workspace_.isExcluded("conv2"));
    workspace_.undoStack()->undo();
    QCOMPARE(workspace_.nodePrecision("conv2"), Workspace::Precision::Int16);
    QVERIFY(!workspace_.isExcluded("conv2"));
    workspace_.setNodePrecision({"matmul"}, Workspace::Precision::Int8);
    QCOMPARE(workspace_.exclusions(), (std::vector<std::string>{"gemm"}));
}

void NodePrecisionTest::projectKeepsThePrecisions() {
    const std::string path = test::tempPath("precision.qlproj");
    const Project p = workspace_.project();
    auto text = projectToJson(p, path);
    auto back = projectFromJson(text, path);
    QVERIFY2(back.ok(), back.ok() ? "" : back.errorMessage().c_str());
    QCOMPARE(back->quantizer.tensorQuantOverrides, workspace_.quantizerSettings().tensorQuantOverrides);
    QCOMPARE(back->quantizer.nodesToExclude, workspace_.exclusions());
    Workspace reopened;
    reopened.openProject(*back);
    QVERIFY(waitIdle(reopened));
    QVERIFY(reopened.model(Workspace::Slot::Fp32));
    QCOMPARE(reopened.int16Nodes(), QSet<QString>{"conv2"});
    QCOMPARE(reopened.nodePrecision("gemm"), Workspace::Precision::Float);
}

void NodePrecisionTest::requantizeMakesSixteenBitQdq() {
    QSignalSpy done(&workspace_, &Workspace::requantized);
    QSignalSpy failed(&workspace_, &Workspace::errorOccurred);
    workspace_.requantize();
    QVERIFY(waitIdle(workspace_, 180000));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QVERIFY(done.count() >= 1);
    const QString saved = QString::fromStdString(test::tempPath("precision_int16.onnx"));
    QString error;
    QVERIFY2(workspace_.saveQuantizedModel(saved, &error), qPrintable(error));
    auto model = AnalyzedModel::load(saved.toStdString());
    QVERIFY(model.ok());
    const QdqStructure& qdq = model->qdq;
    auto elementType = [&](const std::string& t) {
        const QuantizedTensor* q = qdq.findByFloatName(t);
        return q ? q->params.elementType : -1;
    };
    QCOMPARE(elementType("c2"), int(onnx::TensorProto::UINT16));
    QCOMPARE(elementType("r1"), int(onnx::TensorProto::UINT16));
    QCOMPARE(elementType("W2"), int(onnx::TensorProto::INT16));
    QCOMPARE(elementType("W1"), int(onnx::TensorProto::INT8));  // conv1 stays INT8
    QCOMPARE(elementType("W3"), -1);                              // gemm is float
    // The weights table marks the INT16 node's row beside its tick box, and only that one (rows
    // given their nodes here as MainWindow::updateRowNodes does).
    WeightErrorModel* weights = workspace_.weightModel();
    QVERIFY(weights->rowCount() >= 2);
    QStringList nodes;
    for (int r = 0; r < weights->rowCount(); ++r)
        nodes << (r == 0 ? "conv2" : r == 1 ? "conv1" : "gemm");
    weights->setRowNodes(nodes);
    weights->setExcluded(workspace_.exclusionSet());
    weights->setInt16(workspace_.int16Nodes());
    QCOMPARE(weights->data(weights->index(0, 0), Qt::DisplayRole).toString(), QStringLiteral("INT16"));
    QVERIFY(weights->data(weights->index(0, 0), Qt::ToolTipRole).toString().contains("INT16"));
    QCOMPARE(weights->data(weights->index(1, 0), Qt::DisplayRole).toString(), QString());
    for (int r = 2; r < weights->rowCount(); ++r)  // gemm: float, ticked, not INT16
        QCOMPARE(weights->data(weights->index(r, 0), Qt::DisplayRole).toString(), QString());
}

void NodePrecisionTest::suggestOptionsOfferInt16First() {
    SuggestionRequest request;
    request.tryInt16 = true;
    SuggestOptionsDialog dialog(request, 6, 0);
    auto* box = dialog.findChild<QCheckBox*>("tryInt16");
    QVERIFY(box && box->isChecked());
    box->setChecked(false);
    QVERIFY(!dialog.request().tryInt16);
    box->setChecked(true);
    QVERIFY(dialog.request().tryInt16);
}

// Analysis › Study's inputs: refused without a data set; then the session's calibration images,
// the base settings without exclusions (each variant brings its own), the current list offered,
// a run's list not offered twice, and the CLI's study cache folder.
void NodePrecisionTest::studyStartsFromTheSession() {
    QSignalSpy failed(&workspace_, &Workspace::errorOccurred);
    QVERIFY(!workspace_.studyInputs());
    QCOMPARE(failed.count(), 1);
    QVERIFY(failed.first().first().toString().contains("data set"));
    workspace_.setDataSet(qEnvironmentVariable("QUANTLENS_EVAL_FIXTURE") + "/data/data.yaml");
    QVERIFY(waitIdle(workspace_));
    auto in = workspace_.studyInputs();
    QVERIFY(in);
    QCOMPARE(in->fp32.get(), &workspace_.model(Workspace::Slot::Fp32)->analyzed.model);
    QCOMPARE(in->data->images.size(), size_t(6));
    QCOMPARE(in->options.calibrationImages.size(), size_t(6));  // the comparison images calibrate here
    QVERIFY(in->options.quantizer.nodesToExclude.empty());
    QVERIFY(QString::fromStdString(in->options.cacheDirectory).endsWith("quantlens/study"));
    QCOMPARE(in->exclusionLists.size(), size_t(1));  // the runs' lists are this one or empty
    QCOMPARE(in->exclusionLists.front().second, workspace_.exclusions());
}

// The window with conv2 at INT16 (badge in the graph, the node panel's box) and gemm float, at
// 1920x1080 and 1366x768, light and dark, English and Chinese, when QUANTLENS_SHOT_DIR names a folder.
void NodePrecisionTest::screenshots() {
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
                MainWindow w;
                w.resize(size);
                w.show();
                w.workspace()->openModel(fp32_, Workspace::Slot::Fp32);
                QVERIFY(waitIdle(*w.workspace()));
                w.workspace()->setNodePrecision({"conv2"}, Workspace::Precision::Int16);
                w.workspace()->setNodePrecision({"gemm"}, Workspace::Precision::Float);
                QTest::qWait(800);  // the graph's layout
                auto views = w.findChildren<GraphView*>();
                QVERIFY(!views.isEmpty());
                GraphView* fp32View = nullptr;  // the FP32 side: the quantized one has no model here
                for (GraphView* v : views)
                    if (v->isVisible() && !fp32View)
                        fp32View = v;
                QVERIFY(fp32View);
                fp32View->selectNode(2);            // conv2
                emit fp32View->nodeSelected(2);     // as a click does: the node panel shows it
                QTest::qWait(300);
                const QString name = QString("%1/precision-%2x%3-%4-%5.png")
                                         .arg(dir)
                                         .arg(size.width())
                                         .arg(size.height())
                                         .arg(theme == Theme::Dark ? "dark" : "light")
                                         .arg(lang);
                QVERIFY(w.grab().save(name));
            }
        }
    }
}

QTEST_MAIN(NodePrecisionTest)
#include "NodePrecisionTest.moc"
