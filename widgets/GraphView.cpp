#include "GraphView.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QToolButton>
#include <QScrollBar>
#include <QStyleOptionGraphicsItem>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QtConcurrent>
#include <cmath>
#include <set>

#include "GraphMinimap.h"
#include "model/Subgraphs.h"

namespace ql {
namespace {

// Red through yellow to green; an exact match (infinite SQNR) is greener still.
QColor heat(double value, const HeatScale& scale) {
    if (std::isinf(value) && value > 0)
        return QColor(120, 200, 120);
    const double t = std::clamp((value - scale.bad) / (scale.good - scale.bad), 0.0, 1.0);
    return QColor::fromHsvF(static_cast<float>(t * 0.33), 0.55f, 0.97f);
}

const QColor kNeutralFill(235, 238, 245);

}  // namespace

class NodeItem : public QGraphicsItem {
public:
    NodeItem(int node, QString op, QString name, QRectF rect) : node_(node), op_(std::move(op)), name_(std::move(name)), rect_(rect) {
        setFlag(ItemIsSelectable);
        setToolTip(identity());
        setAcceptHoverEvents(true);
    }
    QRectF boundingRect() const override { return rect_.adjusted(-2, -2, 2, 2); }
    void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget*) override {
        const QColor fill = fill_.value_or(kNeutralFill);
        // Zoomed far out (or in the minimap) text is unreadable and thousands of rounded,
        // antialiased boxes make panning slow: draw plain rectangles instead.
        if (option->levelOfDetailFromTransform(p->worldTransform()) < 0.35) {
            p->fillRect(rect_, isSelected() ? QColor(30, 90, 200) : excluded_ ? QColor(120, 120, 120) : fill);
            return;
        }
        p->setRenderHint(QPainter::Antialiasing);
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
    void setHeat(std::optional<QColor> fill, const QString& text) {
        fill_ = fill;
        setToolTip(text.isEmpty() ? identity() : identity() + QStringLiteral("\n") + text);
        update();
    }
    void setExcluded(bool e) {
        excluded_ = e;
        update();
    }

private:
    QString identity() const { return name_.isEmpty() ? op_ : op_ + QStringLiteral("\n") + name_; }  // "Conv\n/model.0/conv"

    int node_;
    QString op_, name_;
    QRectF rect_;
    std::optional<QColor> fill_;
    bool excluded_ = false;
};

namespace {

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

GraphView::GraphView(QWidget* parent)
    : QWidget(parent), view_(new QGraphicsView(this)), scene_(new GraphScene(this)), minimap_(nullptr),
      title_(new QLabel(this)), searchBox_(new QLineEdit(this)), mapButton_(new QToolButton(this)),
      legend_(new QLabel(this)), searchProblem_(new QLabel(this)) {
    view_->setScene(scene_);
    view_->setObjectName(QStringLiteral("graphCanvas"));
    view_->setDragMode(QGraphicsView::ScrollHandDrag);
    view_->setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    view_->setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    view_->setViewportUpdateMode(QGraphicsView::BoundingRectViewportUpdate);  // big graphs stay responsive
    view_->setOptimizationFlags(QGraphicsView::DontSavePainterState);
    view_->setFocusPolicy(Qt::StrongFocus);
    view_->viewport()->installEventFilter(this);
    view_->installEventFilter(this);
    view_->setToolTip(tr("Arrows: follow edges · E: exclude · F: fit · +/−: zoom · Shift+drag: select several"));
    minimap_ = new GraphMinimap(view_, view_);
    minimap_->hide();
    title_->hide();
    QFont titleFont = title_->font();
    titleFont.setBold(true);
    title_->setFont(titleFont);
    searchBox_->setPlaceholderText(tr("Find node or tensor..."));
    searchBox_->setClearButtonEnabled(true);
    searchBox_->setMinimumWidth(120);
    searchBox_->setToolTip(tr("Find a node by its name or the name of a tensor it writes (Ctrl+F)"));
    searchProblem_->setObjectName(QStringLiteral("searchProblem"));
    searchProblem_->setStyleSheet(QStringLiteral("QLabel { color: #e0443e; font-weight: bold; }"));
    searchProblem_->hide();
    auto* fitButton = new QToolButton(this);
    fitButton->setText(tr("Fit"));
    mapButton_->setText(tr("Map"));
    mapButton_->setCheckable(true);
    mapButton_->setChecked(true);
    mapButton_->setToolTip(tr("Show the overview map"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(searchBox_, 1);
    bar->addWidget(searchProblem_);
    bar->addWidget(fitButton);
    bar->addWidget(mapButton_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    // The title ("FP32", "Quantized (Q/DQ folded)") has a line of its own: beside the search field
    // it squeezed the field to nothing in a half-width view on a 1366-pixel screen.
    layout->addWidget(title_);
    layout->addLayout(bar);
    layout->addWidget(view_, 1);
    layout->addWidget(legend_);
    connect(fitButton, &QToolButton::clicked, this, &GraphView::fit);
    connect(mapButton_, &QToolButton::toggled, this, &GraphView::placeMinimap);
    connect(searchBox_, &QLineEdit::returnPressed, this, [this] { search(searchBox_->text()); });
    connect(searchBox_, &QLineEdit::textEdited, this, [this] { setSearchProblem(QString()); });
    connect(scene_, &QGraphicsScene::selectionChanged, this, [this] {
        const int node = selectedNode();
        if (node >= 0)
            emit nodeSelected(node);
    });
}

void GraphView::setTitle(const QString& title) {
    title_->setText(title);
    title_->setVisible(!title.isEmpty());
}

int GraphView::selectedNode() const {
    for (QGraphicsItem* item : scene_->selectedItems())
        if (auto* n = dynamic_cast<NodeItem*>(item))
            return n->node();
    return -1;
}

void GraphView::placeMinimap() {
    const QRectF r = scene_->sceneRect();
    if (!mapButton_->isChecked() || scene_->nodes.empty() || r.isEmpty()) {
        minimap_->hide();
        return;
    }
    // A tall graph gets a narrow, tall map; never more than a third of the view. It sits in the
    // viewport's bottom-right corner (the map is the view's child, beside the scroll bars, so the
    // corner is the viewport's, wherever the frame and scroll bars put it).
    const QRect viewport = view_->viewport()->geometry();
    const int maxW = std::max(60, viewport.width() / 4);
    const int maxH = std::max(80, viewport.height() / 3);
    const double aspect = r.width() / r.height();
    int w = maxW, h = static_cast<int>(maxW / aspect);
    if (h > maxH) {
        h = maxH;
        w = std::max(30, static_cast<int>(maxH * aspect));
    }
    minimap_->setGeometry(viewport.right() + 1 - w - 8, viewport.bottom() + 1 - h - 8, w, h);
    minimap_->show();
    minimap_->raise();
    minimap_->refit();
}

QRect GraphView::minimapGeometry() const {
    return minimap_->isVisible() ? minimap_->geometry().translated(-view_->viewport()->pos()) : QRect();
}

QRect GraphView::canvasGeometry() const { return view_->viewport()->rect(); }

GraphView::~GraphView() {
    // The scene, a child, clears its items (and reports the selection changing) only after this
    // object is gone; nothing may reach the half-destroyed view.
    scene_->disconnect(this);
    view_->removeEventFilter(this);
    view_->viewport()->removeEventFilter(this);
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
    view_->setRenderHint(QPainter::Antialiasing, layout.nodes.size() < 2000);  // big graphs: speed first
    setExcluded(excluded_);
    fit();
    placeMinimap();
}

void GraphView::fit() {
    // The whole of a tall graph would be unreadable; fit its width instead, but never so small
    // that the operator names can no longer be read (the minimap shows the whole).
    const QRectF r = scene_->sceneRect();
    if (r.isEmpty())
        return;
    view_->resetTransform();
    const double scale = std::clamp(view_->viewport()->width() / r.width(), 0.5, 1.0);
    view_->scale(scale, scale);
    // The selected node stays selected and in sight (its rank at the middle); with none, the top.
    auto selected = scene_->nodes.find(selectedNode());
    if (selected == scene_->nodes.end()) {
        view_->centerOn(r.center().x(), r.top() + view_->viewport()->height() / (2 * scale));
        return;
    }
    view_->centerOn(r.center().x(), selected->second->sceneBoundingRect().center().y());
    view_->ensureVisible(selected->second, 40, 40);
}

void GraphView::setHeatMap(const std::map<int, NodeHeat>& values, const HeatScale& scale) {
    for (auto& [node, item] : scene_->nodes) {
        auto it = values.find(node);
        if (it == values.end())
            item->setHeat(std::nullopt, QString());
        else
            item->setHeat(heat(it->second.value, scale), it->second.text);
    }
    setLegend(scale);
}

void GraphView::setLegend(const HeatScale& scale) {
    const double middle = (scale.bad + scale.good) / 2;
    // The swatches are light in any theme: their text is black, not the palette's (light in dark mode).
    const auto swatch = [](const QColor& colour, const QString& label) {
        return QStringLiteral("<span style='background:%1; color:#000000'>&nbsp;%2&nbsp;</span>").arg(colour.name(), label.toHtmlEscaped());
    };
    legend_->setText(QStringLiteral("%1: %2 %3 %4 &nbsp;%5")
                         .arg(scale.title.toHtmlEscaped(), swatch(heat(scale.bad, scale), scale.badLabel),
                              swatch(heat(middle, scale), scale.middleLabel), swatch(heat(scale.good, scale), scale.goodLabel),
                              tr("dashed: excluded")));
}

void GraphView::setExcluded(const QSet<QString>& names) {
    excluded_ = names;
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

void GraphView::focusSearch() {
    searchBox_->setFocus(Qt::ShortcutFocusReason);
    searchBox_->selectAll();
}

QString GraphView::searchProblem() const { return searchProblem_->isVisible() ? searchProblem_->text() : QString(); }

void GraphView::setSearchProblem(const QString& problem) {
    searchProblem_->setText(problem);
    searchProblem_->setVisible(!problem.isEmpty());
    if (problem.isEmpty()) {
        searchBox_->setPalette(QPalette());  // the application's again
        searchBox_->setToolTip(tr("Find a node by its name or the name of a tensor it writes (Ctrl+F)"));
        return;
    }
    // The field turns red, in the light and the dark palette alike: its base blended a third of
    // the way towards red.
    QPalette p = searchBox_->palette();
    const QColor base = QApplication::palette().color(QPalette::Base), red(220, 40, 40);
    p.setColor(QPalette::Base, QColor((2 * base.red() + red.red()) / 3, (2 * base.green() + red.green()) / 3,
                                      (2 * base.blue() + red.blue()) / 3));
    searchBox_->setPalette(p);
    searchBox_->setToolTip(problem);
}

bool GraphView::search(const QString& text) {
    if (text.isEmpty()) {
        setSearchProblem(QString());
        return false;
    }
    if (!graph_ || scene_->nodes.empty()) {
        setSearchProblem(tr("No graph to search yet"));
        return false;
    }
    for (auto& [node, item] : scene_->nodes) {
        const Node& n = graph_->node(node);
        bool match = item->name().contains(text, Qt::CaseInsensitive);
        for (const auto& t : n.outputs)
            match = match || QString::fromStdString(t).contains(text, Qt::CaseInsensitive);
        if (match) {
            setSearchProblem(QString());
            goTo(item);
            view_->setFocus();
            return true;
        }
    }
    setSearchProblem(tr("No node or tensor named \"%1\"").arg(text));
    return false;
}

bool GraphView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == view_ && event->type() == QEvent::KeyPress)
        return handleKey(static_cast<QKeyEvent*>(event));
    if (watched == view_->viewport()) {
        switch (event->type()) {
        case QEvent::Resize:  // the window, a dock, the splitter beside the quantized graph, a scroll bar
            placeMinimap();
            break;
        case QEvent::Wheel: {
            auto* wheel = static_cast<QWheelEvent*>(event);
            const double factor = std::pow(1.0015, wheel->angleDelta().y());
            view_->scale(factor, factor);
            return true;
        }
        case QEvent::MouseButtonPress:
            // Shift+drag selects a region; a plain drag pans.
            view_->setDragMode(static_cast<QMouseEvent*>(event)->modifiers() & Qt::ShiftModifier ? QGraphicsView::RubberBandDrag
                                                                                                 : QGraphicsView::ScrollHandDrag);
            break;
        case QEvent::ContextMenu: {
            auto* menuEvent = static_cast<QContextMenuEvent*>(event);
            if (auto* item = dynamic_cast<NodeItem*>(view_->itemAt(menuEvent->pos())))
                showContextMenu(item, menuEvent->globalPos());
            return true;
        }
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

bool GraphView::handleKey(QKeyEvent* event) {
    const int key = event->key();
    if (event->matches(QKeySequence::Find)) {
        focusSearch();
        return true;
    }
    switch (key) {
    case Qt::Key_Up:
    case Qt::Key_Down:
    case Qt::Key_Left:
    case Qt::Key_Right:
        moveSelection(key);
        return true;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        view_->scale(1.25, 1.25);
        return true;
    case Qt::Key_Minus:
        view_->scale(0.8, 0.8);
        return true;
    case Qt::Key_F:
        fit();
        return true;
    case Qt::Key_E:
    case Qt::Key_Space: {
        auto it = scene_->nodes.find(selectedNode());
        if (it != scene_->nodes.end() && !it->second->name().isEmpty())
            emit exclusionToggled(it->second->name());
        return true;
    }
    case Qt::Key_Return:
    case Qt::Key_Enter: {
        auto it = scene_->nodes.find(selectedNode());
        if (it != scene_->nodes.end())
            view_->centerOn(it->second);
        return true;
    }
    default:
        return false;
    }
}

std::vector<int> GraphView::shownNeighbours(int node, bool upstream) const {
    std::vector<int> found;
    std::set<int> seen = {node};
    std::vector<int> pending = {node};
    while (!pending.empty()) {
        const int n = pending.back();
        pending.pop_back();
        std::vector<int> next;
        if (upstream) {
            for (const auto& in : graph_->node(n).inputs)
                if (const int p = in.empty() ? -1 : graph_->producer(in); p >= 0)
                    next.push_back(p);
        } else {
            for (const auto& out : graph_->node(n).outputs)
                for (const int c : graph_->consumers(out))
                    next.push_back(c);
        }
        for (const int m : next) {
            if (!seen.insert(m).second)
                continue;
            if (scene_->nodes.count(m))
                found.push_back(m);
            else
                pending.push_back(m);  // folded away (a Q/DQ node): look through it
        }
    }
    return found;
}

void GraphView::moveSelection(int key) {
    if (!graph_ || scene_->nodes.empty())
        return;
    auto current = scene_->nodes.find(selectedNode());
    if (current == scene_->nodes.end()) {  // nothing selected: start at the top
        NodeItem* top = nullptr;
        for (auto& [n, item] : scene_->nodes)
            if (!top || item->sceneBoundingRect().top() < top->sceneBoundingRect().top())
                top = item;
        goTo(top);
        return;
    }
    const QPointF from = current->second->sceneBoundingRect().center();
    std::vector<int> candidates;
    if (key == Qt::Key_Up || key == Qt::Key_Down) {
        candidates = shownNeighbours(current->first, key == Qt::Key_Up);
    } else {
        for (auto& [n, item] : scene_->nodes) {
            const double dx = item->sceneBoundingRect().center().x() - from.x();
            if ((key == Qt::Key_Left && dx < -1) || (key == Qt::Key_Right && dx > 1))
                candidates.push_back(n);
        }
    }
    // The nearest on screen, sideways distance counting less along edges, more across ranks.
    const bool vertical = key == Qt::Key_Up || key == Qt::Key_Down;
    NodeItem* best = nullptr;
    double bestScore = 0.0;
    for (const int n : candidates) {
        NodeItem* item = scene_->nodes.at(n);
        const QPointF c = item->sceneBoundingRect().center();
        const double score = vertical ? std::abs(c.x() - from.x()) : std::abs(c.x() - from.x()) + 4.0 * std::abs(c.y() - from.y());
        if (!best || score < bestScore) {
            best = item;
            bestScore = score;
        }
    }
    if (best)
        goTo(best);
}

void GraphView::goTo(NodeItem* item) {
    if (!item)
        return;
    scene_->clearSelection();  // selectionChanged reports the node
    item->setSelected(true);
    view_->ensureVisible(item, 80, 80);
}

void GraphView::showContextMenu(NodeItem* item, const QPoint& globalPos) {
    if (!graph_)
        return;
    auto namesOf = [this](const std::vector<int>& nodes) {
        QStringList names;
        for (const int n : nodes)
            if (!graph_->node(n).name.empty())
                names << QString::fromStdString(graph_->node(n).name);
        return names;
    };
    auto allExcluded = [this](const QStringList& names) {
        return std::all_of(names.begin(), names.end(), [this](const QString& n) { return excluded_.contains(n); });
    };
    QMenu menu;
    // Several nodes: exclude them all, or include them all again when they all are excluded.
    auto addGroup = [&](QMenu* into, const QString& label, const QStringList& names) {
        if (names.isEmpty())
            return;
        const bool include = allExcluded(names);
        QAction* a = into->addAction((include ? tr("Include %1 (%n nodes)", nullptr, static_cast<int>(names.size()))
                                              : tr("Exclude %1 (%n nodes)", nullptr, static_cast<int>(names.size())))
                                         .arg(label));
        connect(a, &QAction::triggered, this, [this, names, include] { emit exclusionsRequested(names, !include); });
    };
    if (!item->name().isEmpty()) {
        const bool excluded = excluded_.contains(item->name());
        QAction* toggle = menu.addAction(excluded ? tr("Include Again in Quantization") : tr("Exclude from Quantization"));
        connect(toggle, &QAction::triggered, this, [this, name = item->name()] { emit exclusionToggled(name); });
    }
    const auto prefixes = modulePrefixes(item->name().toStdString());
    if (!prefixes.empty()) {
        QMenu* modules = menu.addMenu(tr("Module"));
        for (auto it = prefixes.rbegin(); it != prefixes.rend(); ++it)  // innermost first
            addGroup(modules, QString::fromStdString(*it), namesOf(nodesUnderPrefix(*graph_, *it)));
    }
    addGroup(&menu, tr("this node and everything after it"), namesOf(downstreamNodes(*graph_, item->node())));
    QStringList selected;
    for (QGraphicsItem* i : scene_->selectedItems())
        if (auto* n = dynamic_cast<NodeItem*>(i); n && !n->name().isEmpty())
            selected << n->name();
    if (selected.size() > 1)
        addGroup(&menu, tr("the selected nodes"), selected);
    if (!menu.isEmpty())
        menu.exec(globalPos);
}

}  // namespace ql
