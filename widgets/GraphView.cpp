#include "GraphView.h"

#include <QContextMenuEvent>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QScrollBar>
#include <QStyleOptionGraphicsItem>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QtConcurrent>
#include <cmath>

namespace ql {
namespace {

// SQNR to colour: red below 10 dB, through yellow, to green above 40 dB.
QColor heat(double sqnr) {
    if (!std::isfinite(sqnr))
        return QColor(120, 200, 120);
    const double t = std::clamp((sqnr - 10.0) / 30.0, 0.0, 1.0);
    return QColor::fromHsvF(static_cast<float>(t * 0.33), 0.55f, 0.97f);
}

class NodeItem : public QGraphicsItem {
public:
    NodeItem(int node, QString op, QString name, QRectF rect) : node_(node), op_(std::move(op)), name_(std::move(name)), rect_(rect) {
        setFlag(ItemIsSelectable);
        setToolTip(name_.isEmpty() ? op_ : op_ + QStringLiteral("\n") + name_);
        setAcceptHoverEvents(true);
    }
    QRectF boundingRect() const override { return rect_.adjusted(-2, -2, 2, 2); }
    void paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) override {
        p->setRenderHint(QPainter::Antialiasing);
        QColor fill = value_ ? heat(*value_) : QColor(235, 238, 245);
        p->setBrush(fill);
        QPen pen(isSelected() ? QColor(30, 90, 200) : QColor(90, 90, 100), isSelected() ? 2.5 : 1.0);
        if (excluded_)
            pen.setStyle(Qt::DashLine);
        p->setPen(pen);
        p->drawRoundedRect(rect_, 5, 5);
        if (excluded_) {
            p->setBrush(QBrush(QColor(80, 80, 80, 90), Qt::BDiagPattern));
            p->drawRoundedRect(rect_, 5, 5);
        }
        p->setPen(Qt::black);
        QFont f = p->font();
        f.setPointSizeF(8.5);
        f.setBold(true);
        p->setFont(f);
        p->drawText(rect_, Qt::AlignCenter, op_);
    }
    int node() const { return node_; }
    const QString& name() const { return name_; }
    void setValue(std::optional<double> v) {
        value_ = v;
        if (v)
            setToolTip(op_ + QStringLiteral("\n") + name_ + QStringLiteral("\nSQNR %1 dB").arg(*v, 0, 'f', 2));
        update();
    }
    void setExcluded(bool e) {
        excluded_ = e;
        update();
    }

private:
    int node_;
    QString op_, name_;
    QRectF rect_;
    std::optional<double> value_;
    bool excluded_ = false;
};

QPainterPath splinePath(const std::vector<std::pair<double, double>>& pts) {
    QPainterPath path;
    if (pts.empty())
        return path;
    path.moveTo(pts[0].first, pts[0].second);
    size_t k = 1;
    for (; k + 2 < pts.size(); k += 3)
        path.cubicTo(pts[k].first, pts[k].second, pts[k + 1].first, pts[k + 1].second, pts[k + 2].first, pts[k + 2].second);
    for (; k < pts.size(); ++k)
        path.lineTo(pts[k].first, pts[k].second);
    return path;
}

}  // namespace

class GraphScene : public QGraphicsScene {
public:
    using QGraphicsScene::QGraphicsScene;
    std::map<int, NodeItem*> nodes;
};

GraphView::GraphView(QWidget* parent) : QWidget(parent), view_(new QGraphicsView(this)), scene_(new GraphScene(this)),
                                        searchBox_(new QLineEdit(this)), legend_(new QLabel(this)) {
    view_->setScene(scene_);
    view_->setDragMode(QGraphicsView::ScrollHandDrag);
    view_->setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    view_->setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    view_->setViewportUpdateMode(QGraphicsView::BoundingRectViewportUpdate);  // big graphs stay responsive
    view_->viewport()->installEventFilter(this);
    searchBox_->setPlaceholderText(tr("Find node or tensor..."));
    searchBox_->setClearButtonEnabled(true);
    auto* fitButton = new QPushButton(tr("Fit"), this);
    legend_->setText(tr("<span style='background:%1'>&nbsp;&lt;10 dB&nbsp;</span> "
                        "<span style='background:%2'>&nbsp;25 dB&nbsp;</span> "
                        "<span style='background:%3'>&nbsp;&gt;40 dB&nbsp;</span> &nbsp;dashed: excluded")
                         .arg(heat(5).name(), heat(25).name(), heat(45).name()));
    auto* bar = new QHBoxLayout;
    bar->addWidget(searchBox_, 1);
    bar->addWidget(fitButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(view_, 1);
    layout->addWidget(legend_);
    connect(fitButton, &QPushButton::clicked, this, &GraphView::fit);
    connect(searchBox_, &QLineEdit::returnPressed, this, [this] { search(searchBox_->text()); });
    connect(scene_, &QGraphicsScene::selectionChanged, this, [this] {
        const auto items = scene_->selectedItems();
        if (!items.isEmpty())
            if (auto* n = dynamic_cast<NodeItem*>(items.front()))
                emit nodeSelected(n->node());
    });
}

GraphView::~GraphView() {
    if (watcher_)
        watcher_->waitForFinished();
}

bool GraphView::isLayingOut() const { return watcher_ && watcher_->isRunning(); }

int GraphView::nodeCount() const { return static_cast<int>(scene_->nodes.size()); }

void GraphView::clearGraph() {
    ++generation_;
    scene_->clear();
    scene_->nodes.clear();
    owner_.reset();
    graph_ = nullptr;
}

void GraphView::setGraph(std::shared_ptr<const void> owner, const Graph* graph, const QdqStructure* qdq) {
    clearGraph();
    owner_ = std::move(owner);
    graph_ = graph;
    const quint64 generation = generation_;
    if (!watcher_) {
        watcher_ = new QFutureWatcher<std::shared_ptr<GraphLayout>>(this);
    } else {
        watcher_->disconnect(this);
        watcher_->waitForFinished();
    }
    connect(watcher_, &QFutureWatcher<std::shared_ptr<GraphLayout>>::finished, this, [this, generation] {
        auto layout = watcher_->result();
        if (generation != generation_ || !layout)
            return;
        buildScene(*layout);
        emit layoutFinished();
    });
    auto keepAlive = owner_;
    watcher_->setFuture(QtConcurrent::run([graph, qdq, keepAlive]() -> std::shared_ptr<GraphLayout> {
        auto layout = layoutGraph(*graph, qdq);
        return layout ? std::make_shared<GraphLayout>(std::move(layout).value()) : nullptr;
    }));
}

void GraphView::buildScene(const GraphLayout& layout) {
    scene_->clear();
    scene_->nodes.clear();
    const QPen edgePen(QColor(110, 110, 120), 1.2);
    for (const auto& e : layout.edges) {
        const QPainterPath path = splinePath(e.points);
        auto* item = scene_->addPath(path, edgePen);
        item->setToolTip(QString::fromStdString(e.tensor));
        item->setZValue(-1);
        if (e.points.size() >= 2) {  // arrow head at the end
            const QPointF tip(e.points.back().first, e.points.back().second);
            const QPointF from(e.points[e.points.size() - 2].first, e.points[e.points.size() - 2].second);
            const double length = QLineF(tip, from).length();
            if (length > 0) {
                const QPointF back = (from - tip) * (7.0 / length);
                QPolygonF head;
                head << tip << tip + QTransform().rotate(25).map(back) << tip + QTransform().rotate(-25).map(back);
                scene_->addPolygon(head, edgePen, QBrush(QColor(110, 110, 120)))->setZValue(-1);
            }
        }
        if (e.quantized) {  // the folded Q/DQ pair, a small diamond on the edge
            const QPointF mid = path.pointAtPercent(0.5);
            QPolygonF diamond;
            diamond << mid + QPointF(0, -4) << mid + QPointF(4, 0) << mid + QPointF(0, 4) << mid + QPointF(-4, 0);
            auto* mark = scene_->addPolygon(diamond, QPen(QColor(200, 110, 20)), QBrush(QColor(250, 160, 60)));
            mark->setToolTip(tr("Q/DQ on %1").arg(QString::fromStdString(e.tensor)));
        }
    }
    for (const auto& n : layout.nodes) {
        const Node& node = graph_->node(n.node);
        const QRectF rect(n.x - n.width / 2, n.y - n.height / 2, n.width, n.height);
        auto* item = new NodeItem(n.node, QString::fromStdString(node.opType), QString::fromStdString(node.name), rect);
        scene_->addItem(item);
        scene_->nodes[n.node] = item;
    }
    scene_->setSceneRect(scene_->itemsBoundingRect().adjusted(-20, -20, 20, 20));
    fit();
}

void GraphView::fit() {
    // The whole of a tall graph would be unreadable; fit its width instead.
    const QRectF r = scene_->sceneRect();
    if (r.isEmpty())
        return;
    view_->resetTransform();
    const double scale = std::min(1.0, view_->viewport()->width() / r.width());
    view_->scale(scale, scale);
    view_->centerOn(r.center().x(), r.top() + view_->viewport()->height() / (2 * scale));
}

void GraphView::setNodeValues(const std::map<int, double>& values) {
    for (auto& [node, item] : scene_->nodes) {
        auto it = values.find(node);
        item->setValue(it == values.end() ? std::nullopt : std::optional<double>(it->second));
    }
}

void GraphView::setExcluded(const QSet<QString>& names) {
    for (auto& [node, item] : scene_->nodes)
        item->setExcluded(names.contains(item->name()));
}

void GraphView::selectNode(int node) {
    auto it = scene_->nodes.find(node);
    if (it == scene_->nodes.end())
        return;
    const QSignalBlocker block(scene_);
    scene_->clearSelection();
    it->second->setSelected(true);
    view_->ensureVisible(it->second, 80, 80);
}

void GraphView::search(const QString& text) {
    if (!graph_ || text.isEmpty())
        return;
    for (auto& [node, item] : scene_->nodes) {
        const Node& n = graph_->node(node);
        bool match = item->name().contains(text, Qt::CaseInsensitive);
        for (const auto& t : n.outputs)
            match = match || QString::fromStdString(t).contains(text, Qt::CaseInsensitive);
        if (match) {
            scene_->clearSelection();
            item->setSelected(true);
            view_->centerOn(item);
            return;
        }
    }
}

bool GraphView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == view_->viewport() && event->type() == QEvent::Wheel) {
        auto* wheel = static_cast<QWheelEvent*>(event);
        const double factor = std::pow(1.0015, wheel->angleDelta().y());
        view_->scale(factor, factor);
        return true;
    }
    if (watched == view_->viewport() && event->type() == QEvent::ContextMenu) {
        auto* menuEvent = static_cast<QContextMenuEvent*>(event);
        if (auto* item = dynamic_cast<NodeItem*>(view_->itemAt(menuEvent->pos()))) {
            if (item->name().isEmpty())
                return true;
            QMenu menu;
            QAction* toggle = menu.addAction(tr("Exclude from Quantization / Include Again"));
            if (menu.exec(menuEvent->globalPos()) == toggle)
                emit exclusionToggled(item->name());
        }
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace ql
