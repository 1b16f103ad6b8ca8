// The model summary shows the TensorRT placement check of a Q/DQ model (issue 16, item 4): one row
// per finding under "TensorRT placement", its fix beneath it; none for a float model. The test net
// quantized as ONNX Runtime does ends in Conv -> QuantizeLinear -> DequantizeLinear -> output, a
// pair no INT8 layer reads: one finding, worked out by hand.
#include <QTest>
#include <QTreeWidgetItem>

#include "ModelSummaryView.h"
#include "inspect/AnalyzedModel.h"
#include "inspect/ModelSummary.h"
#include "support/TestModels.h"

using namespace ql;

namespace {

ModelSummary summaryOf(onnx::ModelProto proto) {
    auto model = OnnxModel::fromProto(std::move(proto), "net.onnx");
    auto analyzed = AnalyzedModel::analyze(std::move(model).value());
    return summarize(analyzed->model, analyzed->qdq);
}

QTreeWidgetItem* topRow(QTreeWidget& tree, const QString& key) {
    for (int i = 0; i < tree.topLevelItemCount(); ++i)
        if (tree.topLevelItem(i)->text(0) == key)
            return tree.topLevelItem(i);
    return nullptr;
}

}  // namespace

class ModelSummaryViewTest : public QObject {
    Q_OBJECT
private slots:
    void showsTensorRtPlacementFindings() {
        ModelSummaryView view;
        view.setSummary(summaryOf(test::makeQdqConvNet()));
        QTreeWidgetItem* trt = topRow(view, QStringLiteral("TensorRT placement"));
        QVERIFY(trt);
        QCOMPARE(trt->childCount(), 1);
        QTreeWidgetItem* finding = trt->child(0);
        QCOMPARE(finding->text(0), QStringLiteral("y_DequantizeLinear"));
        QVERIFY2(finding->text(1).contains(QStringLiteral("graph output 'y'")), qPrintable(finding->text(1)));
        QCOMPARE(finding->childCount(), 1);
        QCOMPARE(finding->child(0)->text(0), QStringLiteral("Fix"));
        QVERIFY(finding->child(0)->text(1).contains(QStringLiteral("remove the pair 'y_QuantizeLinear' / 'y_DequantizeLinear'")));
    }

    void floatModelHasNoTensorRtRow() {
        ModelSummaryView view;
        view.setSummary(summaryOf(test::makeConvNet()));
        QVERIFY(topRow(view, QStringLiteral("Format")));
        QVERIFY(!topRow(view, QStringLiteral("TensorRT placement")));
    }
};

QTEST_MAIN(ModelSummaryViewTest)
#include "ModelSummaryViewTest.moc"
