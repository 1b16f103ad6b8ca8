#include "GraphPanel.h"

#include <QSplitter>
#include <QVBoxLayout>

#include "ActivationErrorModel.h"
#include "GraphView.h"

namespace ql {

GraphPanel::GraphPanel(Workspace* workspace, QWidget* parent)
    : QWidget(parent), workspace_(workspace), splitter_(new QSplitter(Qt::Horizontal, this)), fp32_(new GraphView(this)),
      quantized_(new GraphView(this)) {
    splitter_->addWidget(fp32_);
    splitter_->addWidget(quantized_);
    quantized_->hide();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter_);

    connect(fp32_, &GraphView::nodeSelected, this, [this](int node) {
        if (!fp32Shown())
            return;
        quantized_->selectNode(workspace_->quantizedNodeFor(node));
        emit nodeSelected(node);
    });
    connect(quantized_, &GraphView::nodeSelected, this, [this](int node) {
        const int fp32 = workspace_->pairing() ? workspace_->pairing()->fp32NodeFor(node) : -1;
        if (fp32 < 0) {
            emit message(tr("%1 has no counterpart in the FP32 model").arg(QString::fromStdString(quantized_->graph()->label(node))));
            return;
        }
        fp32_->selectNode(fp32);
        emit nodeSelected(fp32);
    });
    connect(fp32_, &GraphView::layoutFinished, this, [this] {
        refreshColours();
        followGroups(fp32_, quantized_);
        emit layoutFinished();
    });
    // The same groups open on both sides, whichever side opened or closed them.
    connect(fp32_, &GraphView::openGroupsChanged, this, [this] { followGroups(fp32_, quantized_); });
    connect(quantized_, &GraphView::openGroupsChanged, this, [this] { followGroups(quantized_, fp32_); });
    connect(fp32_, &GraphView::groupSelected, this, [this](int group) { emit groupSelected(fp32_, group); });
    connect(fp32_, &GraphView::heatChanged, this, &GraphPanel::heatChanged);
    connect(quantized_, &GraphView::heatChanged, this, &GraphPanel::heatChanged);
    connect(quantized_, &GraphView::groupSelected, this, [this](int group) { emit groupSelected(quantized_, group); });
    connect(quantized_, &GraphView::layoutFinished, this, [this] {
        refreshColours();
        if (fp32Shown())
            followGroups(fp32_, quantized_);
        if (const int selected = fp32_->selectedNode(); selected >= 0 && fp32Shown())  // laid out after the FP32 graph
            quantized_->selectNode(workspace_->quantizedNodeFor(selected));
    });
    // Exclusions always name FP32 nodes.
    connect(fp32_, &GraphView::exclusionToggled, this, [this](const QString& name) {
        if (fp32Shown())
            workspace_->toggleExclusion(name);
    });
    connect(fp32_, &GraphView::exclusionsRequested, this, [this](const QStringList& names, bool exclude) {
        if (fp32Shown())
            workspace_->excludeNodes(names, exclude);
    });
    connect(quantized_, &GraphView::exclusionToggled, this, [this](const QString& name) {
        if (const QString fp32 = fp32NameOf(name); !fp32.isEmpty())
            workspace_->toggleExclusion(fp32);
    });
    connect(quantized_, &GraphView::exclusionsRequested, this, [this](const QStringList& names, bool exclude) {
        QStringList fp32Names;
        for (const QString& n : names)
            if (const QString fp32 = fp32NameOf(n); !fp32.isEmpty())
                fp32Names << fp32;
        workspace_->excludeNodes(fp32Names, exclude);
    });
    connect(workspace_, &Workspace::exclusionsChanged, this, &GraphPanel::refreshColours);
    connect(workspace_, &Workspace::activationsChanged, this, &GraphPanel::refreshColours);
    // Re-colour once the pairing is known: the quantized view's exclusions need it.
    connect(workspace_, &Workspace::weightsChanged, this, &GraphPanel::refreshColours);
}

void GraphPanel::followGroups(GraphView* from, GraphView* to) {
    if (to->isVisible() && to->groups() && from->groups())
        to->setOpenGroupPaths(from->openGroupPaths());
}

bool GraphPanel::fp32Shown() const { return workspace_->model(Workspace::Slot::Fp32) != nullptr; }

void GraphPanel::showModels() {
    // The FP32 graph is the one exclusions name; a quantized model alone is shown folded.
    // The views keep the model alive while Graphviz lays it out in the background.
    if (auto m = workspace_->sharedModel(Workspace::Slot::Fp32)) {
        fp32_->setGraph(m, &m->analyzed.model.graph(), nullptr);
        fp32_->setTitle(sideBySide_ ? tr("FP32") : QString());
    } else if (auto q = workspace_->sharedModel(Workspace::Slot::Quantized)) {
        fp32_->setGraph(q, &q->analyzed.model.graph(), &q->analyzed.qdq);
        fp32_->setTitle(QString());
    } else {
        fp32_->clearGraph();
    }
    showQuantizedModel();
}

void GraphPanel::showQuantizedModel() {
    auto q = workspace_->sharedModel(Workspace::Slot::Quantized);
    const bool show = sideBySide_ && q && fp32Shown();
    quantized_->setVisible(show);
    if (!show) {
        quantized_->clearGraph();
        return;
    }
    quantized_->setTitle(foldQdq_ ? tr("Quantized (Q/DQ folded)") : tr("Quantized"));
    quantized_->setGraph(q, &q->analyzed.model.graph(), foldQdq_ ? &q->analyzed.qdq : nullptr);
}

void GraphPanel::setSideBySide(bool on) {
    sideBySide_ = on;
    fp32_->setTitle(on && fp32Shown() ? tr("FP32") : QString());
    showQuantizedModel();
}

void GraphPanel::setFoldQdq(bool on) {
    foldQdq_ = on;
    if (fp32Shown())
        showQuantizedModel();
    else
        showModels();
}

void GraphPanel::setNodeBudget(int nodes) {
    fp32_->setNodeBudget(nodes);
    quantized_->setNodeBudget(nodes);
}

void GraphPanel::setHeatMetric(HeatMetric metric) {
    heatMetric_ = metric;
    refreshColours();
}

void GraphPanel::refreshColours() {
    // A group's "Exclude" takes the op types the quantizer would quantize.
    QSet<QString> ops;
    const auto& chosen = workspace_->quantizerSettings().opTypesToQuantize;
    for (const auto& op : chosen.empty() ? defaultOpTypesToQuantize() : chosen)
        ops.insert(QString::fromStdString(op));
    fp32_->setQuantizableOps(ops);
    quantized_->setQuantizableOps(ops);
    // Called with no comparison yet too: the nodes stay neutral and the legend shows the scale.
    const auto& report = workspace_->activationModel()->report();
    if (const auto* fp32 = workspace_->model(Workspace::Slot::Fp32)) {
        fp32_->setHeatMap(nodeHeat(report, fp32->analyzed.model.graph(), true, heatMetric_), heatScale(heatMetric_));
        fp32_->setExcluded(workspace_->exclusionSet());
        fp32_->setInt16(workspace_->int16Nodes());
    }
    if (const auto* q = workspace_->model(Workspace::Slot::Quantized); q && quantized_->isVisible()) {
        quantized_->setHeatMap(nodeHeat(report, q->analyzed.model.graph(), false, heatMetric_), heatScale(heatMetric_));
        quantized_->setExcluded(quantizedNamesOf(workspace_->exclusionSet()));
    }
}

void GraphPanel::selectFp32Node(int node) {
    fp32_->selectNode(node);
    if (quantized_->isVisible())
        quantized_->selectNode(workspace_->quantizedNodeFor(node));
}

QString GraphPanel::fp32NameOf(const QString& quantizedName) const {
    const auto* q = workspace_->model(Workspace::Slot::Quantized);
    const auto* f = workspace_->model(Workspace::Slot::Fp32);
    if (!q || !f || !workspace_->pairing())
        return {};
    const int fp32 = workspace_->pairing()->fp32NodeFor(q->analyzed.model.graph().findNode(quantizedName.toStdString()));
    return fp32 < 0 ? QString() : QString::fromStdString(f->analyzed.model.graph().node(fp32).name);
}

QSet<QString> GraphPanel::quantizedNamesOf(const QSet<QString>& fp32Names) const {
    QSet<QString> names;
    const auto* q = workspace_->model(Workspace::Slot::Quantized);
    const auto* f = workspace_->model(Workspace::Slot::Fp32);
    if (!q || !f)
        return names;
    for (const QString& n : fp32Names) {
        const int quantNode = workspace_->quantizedNodeFor(f->analyzed.model.graph().findNode(n.toStdString()));
        if (quantNode >= 0)
            names.insert(QString::fromStdString(q->analyzed.model.graph().node(quantNode).name));
    }
    return names;
}

}  // namespace ql
