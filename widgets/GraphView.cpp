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
#include "quantize/QuantizerSettings.h"

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
        if (int16_) {  // quantized at 16 bits: a badge in the top-right corner
            const QRectF badge(rect_.right() - 17, rect_.top() + 1, 16, 10);
            p->setPen(Qt::NoPen);
            p->setBrush(QColor(123, 31, 162));
            p->drawRoundedRect(badge, 2, 2);
            p->setPen(Qt::white);
            f.setPointSizeF(6);
            p->setFont(f);
            p->drawText(badge, Qt::AlignCenter, QStringLiteral("16"));
        }
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
    void setInt16(bool on) {
        int16_ = on;
        update();
    }

private:
    QString identity() const { return name_.isEmpty() ? op_ : op_ + QStringLiteral("\n") + name_; }  // "Conv\n/model.0/conv"

    int node_;
    QString op_, name_;
    QRectF rect_;
    std::optional<QColor> fill_;
    bool excluded_ = false;
    bool int16_ = false;
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

// A group: closed, one box (name, node count, worst and median heat, excluded count; filled with
// the median's colour, a band on the left in the worst's); open, a frame around its children with
// its name on top.
class GroupBoxItem : public QGraphicsItem {
public:
    GroupBoxItem(int group, bool open, QString label, QString path, QRectF rect)
        : group_(group), open_(open), label_(std::move(label)), path_(std::move(path)), rect_(rect) {
        setFlag(ItemIsSelectable);
        setAcceptHoverEvents(true);
    }
    QRectF boundingRect() const override { return rect_.adjusted(-3, -3, 3, 3); }
    // Only the title line of an open frame takes clicks: a click inside it reaches what is below.
    QPainterPath shape() const override {
        QPainterPath path;
        path.addRect(open_ ? QRectF(rect_.left(), rect_.top(), rect_.width(), kFrameHeader) : rect_);
        return path;
    }
    void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget*) override {
        const bool far = option->levelOfDetailFromTransform(p->worldTransform()) < 0.35;
        if (open_) {
            p->setPen(QPen(isSelected() ? QColor(30, 90, 200) : QColor(120, 130, 150), isSelected() ? 2.0 : 1.0, Qt::DashLine));
            p->setBrush(QColor(120, 140, 180, 18));
            p->drawRoundedRect(rect_, 6, 6);
            if (far)
                return;
            QFont f = p->font();
            f.setPointSizeF(8.0);
            f.setBold(true);
            p->setFont(f);
            // On the canvas itself, so in the palette's text colour: dark slate on light, light on dark.
            const bool dark = QApplication::palette().color(QPalette::Base).lightness() < 128;
            p->setPen(dark ? QColor(205, 212, 230) : QColor(60, 70, 90));
            p->drawText(rect_.adjusted(6, 2, -6, 0).topLeft() + QPointF(0, 12),
                        QStringLiteral("\u2212 %1  (%2)").arg(label_, countText_));
            return;
        }
        const QColor fill = median_.value_or(QColor(222, 226, 236));
        if (far) {
            p->fillRect(rect_, isSelected() ? QColor(30, 90, 200) : fill);
            return;
        }
        p->setRenderHint(QPainter::Antialiasing);
        QPen pen(isSelected() ? QColor(30, 90, 200) : QColor(60, 60, 80), isSelected() ? 3.0 : 1.6);
        if (excluded_ > 0 && excluded_ == quantizable_)
            pen.setStyle(Qt::DashLine);
        p->setPen(pen);
        p->setBrush(fill);
        p->drawRoundedRect(rect_, 7, 7);
        if (worst_) {  // the worst node's colour, a band on the left
            p->setPen(Qt::NoPen);
            p->setBrush(*worst_);
            p->drawRect(QRectF(rect_.left() + 1.5, rect_.top() + 6, 9, rect_.height() - 12));
        }
        p->setPen(Qt::black);
        QFont f = p->font();
        f.setPointSizeF(8.5);
        f.setBold(true);
        p->setFont(f);
        const QRectF text = rect_.adjusted(14, 3, -4, -3);
        const QFontMetricsF metrics(f);
        constexpr double titleHeight = 15;
        p->drawText(QRectF(text.left(), text.top(), text.width(), titleHeight), Qt::AlignCenter,
                    metrics.elidedText(QStringLiteral("+ ") + label_, Qt::ElideMiddle, text.width()));
        f.setBold(false);
        f.setPointSizeF(7.0);
        p->setFont(f);
        // A line each: count, worst, median (each with its unit), excluded.
        p->drawText(QRectF(text.left(), text.top() + titleHeight, text.width(), text.height() - titleHeight),
                    Qt::AlignHCenter | Qt::AlignTop, details_);
    }
    int group() const { return group_; }
    bool isOpen() const { return open_; }
    const QString& path() const { return path_; }
    void setSummary(const GroupSummary& s, std::optional<QColor> worst, std::optional<QColor> median, int quantizable,
                    const QString& countText, const QString& details, const QString& tip) {
        worst_ = worst;
        median_ = median;
        excluded_ = s.excluded;
        quantizable_ = quantizable;
        countText_ = countText;
        details_ = details;
        setToolTip(tip);
        update();
    }

private:
    int group_;
    bool open_;
    QString label_, path_, countText_, details_;
    QRectF rect_;
    std::optional<QColor> worst_, median_;
    int excluded_ = 0, quantizable_ = 0;
};

class GraphScene : public QGraphicsScene {
public:
    using QGraphicsScene::QGraphicsScene;
    std::map<int, NodeItem*> nodes;
    std::map<int, GroupBoxItem*> groups;  // closed boxes and open frames
};

struct GraphView::Picture {
    std::shared_ptr<const GroupTree> tree;
    OpenGroups open;
    std::shared_ptr<const GraphLayout> flat;        // the whole graph by Graphviz (within the budget)
    std::shared_ptr<const GroupedLayout> grouped;   // else
    bool first = false;                             // the graph's first picture
    int focusGroup = -1;                            // keep the view on this group
    int selectNode = -1;                            // then select this node
    bool announce = false;                          // emit openGroupsChanged
    bool quietSelect = false;                       // select selectNode without emitting nodeSelected
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
    view_->setToolTip(tr("Arrows: follow edges · E: exclude · F: fit · +/−: zoom · Shift+drag: select several · "
                         "double-click or Enter: open a group · Backspace: close it"));
    for (const auto& op : defaultOpTypesToQuantize())
        quantizableOps_.insert(QString::fromStdString(op));
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
        else if (const int group = selectedGroup(); group >= 0)
            emit groupSelected(group);
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
    if (!mapButton_->isChecked() || (scene_->nodes.empty() && scene_->groups.empty()) || r.isEmpty()) {
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

bool GraphView::isLayingOut() const { return !laidOut_ && watcher_ && watcher_->isRunning(); }

bool GraphView::isRelayingOut() const { return watcher_ && watcher_->isRunning(); }

int GraphView::nodeCount() const { return static_cast<int>(scene_->nodes.size()); }

void GraphView::clearGraph() {
    ++generation_;
    scene_->clear();
    scene_->nodes.clear();
    scene_->groups.clear();
    owner_.reset();
    graph_ = nullptr;
    qdq_ = nullptr;
    tree_.reset();
    flat_.reset();
    cache_.reset();
    open_.clear();
    wanted_.clear();
    wantedSelect_ = -1;
    laidOut_ = false;
}

void GraphView::setGraph(std::shared_ptr<const void> owner, const Graph* graph, const QdqStructure* qdq) {
    clearGraph();
    owner_ = std::move(owner);
    graph_ = graph;
    qdq_ = qdq;
    cache_ = std::make_shared<GroupLayoutCache>();
    auto keepAlive = owner_;
    auto cache = cache_;
    const int budget = budget_;
    // Grouping and the first picture, in the background: the whole graph by Graphviz when it
    // shows no more than the budget of nodes, else the groups of the default view.
    relayoutWith([graph, qdq, keepAlive, cache, budget]() -> std::shared_ptr<Picture> {
        auto picture = std::make_shared<Picture>();
        picture->first = true;
        auto tree = std::make_shared<GroupTree>(groupGraph(*graph, qdq));
        picture->open = defaultView(*tree, budget);
        if (tree->shownNodes <= budget) {
            auto layout = layoutGraph(*graph, qdq);
            if (!layout)
                return nullptr;
            picture->flat = std::make_shared<GraphLayout>(std::move(layout).value());
        } else {
            auto layout = layoutGroups(*graph, *tree, picture->open, *cache);
            if (!layout)
                return nullptr;
            picture->grouped = std::make_shared<GroupedLayout>(std::move(layout).value());
        }
        picture->tree = std::move(tree);
        return picture;
    });
}

void GraphView::relayoutWith(std::function<std::shared_ptr<Picture>()> job) {
    const quint64 generation = ++generation_;
    if (!watcher_) {
        watcher_ = new QFutureWatcher<std::shared_ptr<Picture>>(this);
    } else {
        watcher_->disconnect(this);
        watcher_->waitForFinished();  // layouts take the Graphviz lock one at a time anyway
    }
    connect(watcher_, &QFutureWatcher<std::shared_ptr<Picture>>::finished, this, [this, generation] {
        auto picture = watcher_->result();
        if (generation != generation_ || !picture)
            return;
        showPicture(*picture);
    });
    watcher_->setFuture(QtConcurrent::run(std::move(job)));
}

void GraphView::relayout(OpenGroups open, int focusGroup, int selectNodeAfter, bool announce, bool quietSelect) {
    if (!graph_ || !tree_)
        return;
    wanted_ = open;
    wantedSelect_ = selectNodeAfter;
    wantedQuiet_ = quietSelect;
    const Graph* graph = graph_;
    const QdqStructure* qdq = qdq_;
    auto keepAlive = owner_;
    auto tree = tree_;
    auto cache = cache_;
    auto flat = flat_;
    const int budget = budget_;
    relayoutWith([=]() -> std::shared_ptr<Picture> {
        auto picture = std::make_shared<Picture>();
        picture->tree = tree;
        picture->open = open;
        picture->focusGroup = focusGroup;
        picture->selectNode = selectNodeAfter;
        picture->announce = announce;
        picture->quietSelect = quietSelect;
        if (isFlat(*tree, open) && tree->shownNodes <= budget) {  // everything open: Graphviz's picture of the whole
            if (flat) {
                picture->flat = flat;
            } else {
                auto layout = layoutGraph(*graph, qdq);
                if (!layout)
                    return nullptr;
                picture->flat = std::make_shared<GraphLayout>(std::move(layout).value());
            }
            (void)keepAlive;
            return picture;
        }
        auto layout = layoutGroups(*graph, *tree, open, *cache);
        if (!layout)
            return nullptr;
        picture->grouped = std::make_shared<GroupedLayout>(std::move(layout).value());
        return picture;
    });
}

void GraphView::showPicture(const Picture& picture) {
    // Where the focus group is on screen now, to put it back there after the scene is rebuilt.
    const QTransform transform = view_->transform();
    std::optional<QPointF> focusOnScreen;
    if (auto it = scene_->groups.find(picture.focusGroup); it != scene_->groups.end())
        focusOnScreen = view_->mapFromScene(it->second->sceneBoundingRect().topLeft());
    tree_ = picture.tree;
    open_ = picture.open;
    wanted_ = open_;
    wantedSelect_ = -1;
    if (picture.flat) {
        flat_ = picture.flat;
        buildScene(*picture.flat);
    } else {
        buildGroupedScene(*picture.grouped);
    }
    if (picture.first) {
        laidOut_ = true;
        fit();
        placeMinimap();
        emit layoutFinished();
        return;
    }
    view_->setTransform(transform);  // the zoom stays
    placeMinimap();
    if (picture.selectNode >= 0 && scene_->nodes.count(picture.selectNode)) {
        const QSignalBlocker block(picture.quietSelect ? scene_ : nullptr);
        goTo(scene_->nodes.at(picture.selectNode));
    } else if (auto it = scene_->groups.find(picture.focusGroup); it != scene_->groups.end()) {
        // The opened (or closed) group's top-left corner stays where it was on screen.
        const QPointF now = view_->mapFromScene(it->second->sceneBoundingRect().topLeft());
        if (focusOnScreen) {
            const QPointF shift = now - *focusOnScreen;
            view_->horizontalScrollBar()->setValue(view_->horizontalScrollBar()->value() + static_cast<int>(std::lround(shift.x())));
            view_->verticalScrollBar()->setValue(view_->verticalScrollBar()->value() + static_cast<int>(std::lround(shift.y())));
        }
        // A group larger than the screen: its top stays in sight.
        view_->ensureVisible(QRectF(it->second->sceneBoundingRect().topLeft(), QSizeF(10, 10)), 40, 40);
        const QSignalBlocker block(scene_);
        scene_->clearSelection();
        it->second->setSelected(true);
    }
    if (picture.announce)
        emit openGroupsChanged();
}

void GraphView::buildScene(const GraphLayout& layout) {
    scene_->clear();
    scene_->nodes.clear();
    scene_->groups.clear();
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
    applyHeat();
    setExcluded(excluded_);
}

void GraphView::buildGroupedScene(const GroupedLayout& layout) {
    scene_->clear();
    scene_->nodes.clear();
    scene_->groups.clear();
    const QPen edgePen(QColor(110, 110, 120), 1.2);
    std::vector<const PlacedEdge*> edges;
    for (const auto& e : layout.edges)
        edges.push_back(&e);
    for (const auto& e : layout.terminalEdges)
        edges.push_back(&e);
    for (const PlacedEdge* edge : edges) {
        const PlacedEdge& e = *edge;
        const QPainterPath path = splinePath(e.points);
        // The arrow head in the same item (an outline): one item per edge keeps a big view quick to build.
        QPainterPath withHead = path;
        if (e.points.size() >= 2) {
            const QPointF tip(e.points.back().first, e.points.back().second);
            withHead.moveTo(tip + QPointF(-3.5, -7));
            withHead.lineTo(tip);
            withHead.lineTo(tip + QPointF(3.5, -7));
        }
        auto* item = scene_->addPath(withHead, e.count > 1 ? QPen(QColor(110, 110, 120), 1.8) : edgePen);
        item->setToolTip(e.count > 1 ? tr("%1 and %n more", nullptr, e.count - 1).arg(QString::fromStdString(e.tensor))
                                     : QString::fromStdString(e.tensor));
        item->setZValue(-1);
        if (e.quantized) {
            const QPointF mid = path.pointAtPercent(0.5);
            QPolygonF diamond;
            diamond << mid + QPointF(0, -4) << mid + QPointF(4, 0) << mid + QPointF(0, 4) << mid + QPointF(-4, 0);
            auto* mark = scene_->addPolygon(diamond, QPen(QColor(200, 110, 20)), QBrush(QColor(250, 160, 60)));
            mark->setToolTip(tr("Q/DQ on %1").arg(QString::fromStdString(e.tensor)));
        }
    }
    for (const auto& placed : layout.items) {
        const QRectF rect(placed.x - placed.width / 2, placed.y - placed.height / 2, placed.width, placed.height);
        if (placed.item.isGroup) {
            const NodeGroup& g = tree_->groups[static_cast<size_t>(placed.item.index)];
            auto* item = new GroupBoxItem(placed.item.index, placed.open, QString::fromStdString(g.label), QString::fromStdString(g.path), rect);
            item->setZValue(placed.open ? -10 + 0.01 * g.depth : 0);  // frames under edges, outer under inner
            scene_->addItem(item);
            scene_->groups[placed.item.index] = item;
        } else {
            const Node& node = graph_->node(placed.item.index);
            auto* item = new NodeItem(placed.item.index, QString::fromStdString(node.opType), QString::fromStdString(node.name), rect);
            scene_->addItem(item);
            scene_->nodes[placed.item.index] = item;
        }
    }
    // The graph's inputs and outputs: ellipses with the tensor's name, above and below the boxes.
    QRectF bounds(0, 0, layout.width, layout.height);
    for (const auto& t : layout.terminals) {
        const QRectF rect(t.x - t.width / 2, t.y - t.height / 2, t.width, t.height);
        auto* ellipse = scene_->addEllipse(rect, QPen(QColor(90, 90, 100), 1.0), QBrush(QColor(245, 245, 250)));
        const QString name = QString::fromStdString(t.tensor);
        ellipse->setToolTip((t.input ? tr("Graph input %1") : tr("Graph output %1")).arg(name));
        QFont f;
        f.setPointSizeF(7.5);
        auto* label = scene_->addSimpleText(QFontMetricsF(f).elidedText(name, Qt::ElideMiddle, rect.width() - 6), f);
        label->setBrush(Qt::black);
        label->setPos(rect.center() - label->boundingRect().center());
        bounds = bounds.united(rect);
    }
    scene_->setSceneRect(bounds.adjusted(-20, -20, 20, 20));  // the layout's own box
    view_->setRenderHint(QPainter::Antialiasing, layout.items.size() < 2000);
    for (auto& [node, item] : scene_->nodes) {
        item->setExcluded(excluded_.contains(item->name()));
        item->setInt16(int16_.contains(item->name()));
    }
    applyHeat();  // nodes and group boxes, exclusions counted
}

bool GraphView::isGrouped() const { return tree_ && !isFlat(*tree_, open_); }

int GraphView::groupCount() const {
    return static_cast<int>(std::count_if(scene_->groups.begin(), scene_->groups.end(), [](const auto& g) { return !g.second->isOpen(); }));
}

QStringList GraphView::openGroupPaths() const {
    QStringList paths;
    if (tree_)
        for (const int g : open_)
            paths << QString::fromStdString(tree_->groups[static_cast<size_t>(g)].path);
    return paths;
}

bool GraphView::isGroupOpen(const QString& path) const {
    if (!tree_)
        return false;
    const int g = tree_->findGroup(path.toStdString());
    return g == 0 || (g > 0 && open_.count(g));
}

void GraphView::setGroupOpen(const QString& path, bool open) {
    if (!tree_)
        return;
    const int g = tree_->findGroup(path.toStdString());
    if (g <= 0 || static_cast<bool>(wanted_.count(g)) == open)
        return;
    OpenGroups next = wanted_;
    if (open) {
        for (int a = g; a > 0; a = tree_->groups[static_cast<size_t>(a)].parent)  // and the groups around it
            next.insert(a);
    } else {
        next.erase(g);
    }
    relayout(std::move(next), g, -1, true);
}

void GraphView::expandToDepth(int depth) {
    if (tree_)
        relayout(openToDepth(*tree_, depth), selectedGroup(), selectedNode(), true);
}

void GraphView::setOpenGroupPaths(const QStringList& paths) {
    if (!tree_)
        return;
    OpenGroups next;
    for (const QString& p : paths)
        if (const int g = tree_->findGroup(p.toStdString()); g > 0)
            next.insert(g);
    // A layout under way (a selection opening groups, say) is superseded, its selection kept.
    if (next != wanted_)
        relayout(std::move(next), selectedGroup(), isRelayingOut() ? wantedSelect_ : selectedNode(), false,
                 isRelayingOut() && wantedQuiet_);
}

int GraphView::selectedGroup() const {
    for (QGraphicsItem* item : scene_->selectedItems())
        if (auto* g = dynamic_cast<GroupBoxItem*>(item))
            return g->group();
    return -1;
}

void GraphView::selectGroup(int group) {
    auto it = scene_->groups.find(group);
    if (it == scene_->groups.end())
        return;
    scene_->clearSelection();  // selectionChanged reports the group
    it->second->setSelected(true);
    view_->ensureVisible(it->second, 80, 80);
}

GroupSummary GraphView::groupSummary(int group) const {
    if (!tree_ || !graph_)
        return {};
    std::map<int, double> values;
    for (const auto& [node, h] : heat_)
        values[node] = h.value;
    return summarizeGroup(*tree_, group, values, [this](int node) {
        return excluded_.contains(QString::fromStdString(graph_->node(node).name));
    });
}

QStringList GraphView::quantizableNodesOf(int group) const {
    QStringList names;
    if (!tree_ || !graph_ || group < 0 || group >= static_cast<int>(tree_->groups.size()))
        return names;
    for (const int node : tree_->groups[static_cast<size_t>(group)].nodes) {
        const Node& n = graph_->node(node);
        if (!n.name.empty() && quantizableOps_.contains(QString::fromStdString(n.opType)))
            names << QString::fromStdString(n.name);
    }
    return names;
}

void GraphView::refreshGroupBoxes() {
    if (!tree_ || scene_->groups.empty())
        return;
    // Once for all the boxes: the values and the exclusions per node.
    std::map<int, double> values;
    for (const auto& [node, h] : heat_)
        values[node] = h.value;
    std::vector<char> excluded(static_cast<size_t>(graph_->nodeCount()), 0);
    if (!excluded_.isEmpty())
        for (int n = 0; n < graph_->nodeCount(); ++n)
            excluded[static_cast<size_t>(n)] = excluded_.contains(QString::fromStdString(graph_->node(n).name));
    std::vector<char> quantizableFlag(static_cast<size_t>(graph_->nodeCount()), 0);
    std::map<std::string, bool> byOp;
    for (int n = 0; n < graph_->nodeCount(); ++n) {
        const Node& node = graph_->node(n);
        auto it = byOp.find(node.opType);
        if (it == byOp.end())
            it = byOp.emplace(node.opType, quantizableOps_.contains(QString::fromStdString(node.opType))).first;
        quantizableFlag[static_cast<size_t>(n)] = it->second && !node.name.empty();
    }
    for (auto& [group, item] : scene_->groups) {
        const GroupSummary s = summarizeGroup(*tree_, group, values, [&](int node) { return excluded[static_cast<size_t>(node)] != 0; });
        int quantizable = 0;
        for (const int node : tree_->groups[static_cast<size_t>(group)].nodes)
            quantizable += quantizableFlag[static_cast<size_t>(node)];
        const QString count = tr("%n nodes", nullptr, s.nodes);
        QStringList lines = {count};
        std::optional<QColor> worst, median;
        if (s.measured > 0) {
            worst = heat(s.worst, scale_);
            median = heat(s.median, scale_);
            lines << tr("worst %1 · median %2").arg(scale_.text(s.worst), scale_.text(s.median));
        }
        if (s.excluded > 0)
            lines << tr("%n excluded", nullptr, s.excluded);
        const QString tip = QString::fromStdString(tree_->groups[static_cast<size_t>(group)].path) + QStringLiteral("\n") +
                            lines.join(QStringLiteral("\n")) + QStringLiteral("\n") +
                            (item->isOpen() ? tr("Double-click the title to close") : tr("Double-click to open"));
        // In the box the worst and the median get a line each (the translation keeps the " · ").
        QStringList boxLines;
        for (const QString& line : lines)
            boxLines << line.split(QStringLiteral(" · "));
        item->setSummary(s, worst, median, quantizable, count, boxLines.join(QStringLiteral("\n")), tip);
    }
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
    heat_ = values;
    scale_ = scale;
    applyHeat();
    setLegend(scale);
    emit heatChanged();
}

void GraphView::applyHeat() {
    for (auto& [node, item] : scene_->nodes) {
        auto it = heat_.find(node);
        if (it == heat_.end())
            item->setHeat(std::nullopt, QString());
        else
            item->setHeat(heat(it->second.value, scale_), it->second.text);
    }
    refreshGroupBoxes();
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

void GraphView::setInt16(const QSet<QString>& names) {
    int16_ = names;
    for (auto& [node, item] : scene_->nodes)
        item->setInt16(names.contains(item->name()));
}

void GraphView::setExcluded(const QSet<QString>& names) {
    excluded_ = names;
    for (auto& [node, item] : scene_->nodes)
        item->setExcluded(names.contains(item->name()));
    refreshGroupBoxes();
}

int GraphView::innermostOpenGroupOf(int node) const {
    if (!tree_ || node < 0)
        return -1;
    const auto chain = tree_->ancestorsOf(node);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it)
        if (open_.count(*it))
            return *it;
    return -1;
}

void GraphView::selectNode(int node) {
    auto it = scene_->nodes.find(node);
    if (it == scene_->nodes.end()) {
        // Inside closed groups: open them, then select it (without telling anyone: the caller knows).
        if (tree_ && node >= 0 && node < static_cast<int>(tree_->groupOf.size()) && tree_->groupOf[static_cast<size_t>(node)] >= 0) {
            OpenGroups next = wanted_;
            for (const int g : tree_->ancestorsOf(node))
                next.insert(g);
            if (next != open_)
                relayout(std::move(next), -1, node, true, true);
        }
        return;
    }
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
    if (!graph_ || !tree_ || (scene_->nodes.empty() && scene_->groups.empty())) {
        setSearchProblem(tr("No graph to search yet"));
        return false;
    }
    // Every node on show or inside a closed group; the groups on the way to it are opened.
    for (int node = 0; node < static_cast<int>(tree_->groupOf.size()); ++node) {
        if (tree_->groupOf[static_cast<size_t>(node)] < 0)
            continue;
        const Node& n = graph_->node(node);
        bool match = QString::fromStdString(n.name).contains(text, Qt::CaseInsensitive);
        for (const auto& t : n.outputs)
            match = match || QString::fromStdString(t).contains(text, Qt::CaseInsensitive);
        if (!match)
            continue;
        setSearchProblem(QString());
        view_->setFocus();
        if (auto it = scene_->nodes.find(node); it != scene_->nodes.end()) {
            goTo(it->second);
            return true;
        }
        OpenGroups next = wanted_;
        for (const int g : tree_->ancestorsOf(node))
            next.insert(g);
        relayout(std::move(next), -1, node, true);
        return true;
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
        case QEvent::MouseButtonDblClick: {
            // A closed group opens; an open group's title closes it.
            auto* mouse = static_cast<QMouseEvent*>(event);
            if (auto* group = dynamic_cast<GroupBoxItem*>(view_->itemAt(mouse->position().toPoint()))) {
                setGroupOpen(group->path(), !group->isOpen());
                return true;
            }
            break;
        }
        case QEvent::ContextMenu: {
            auto* menuEvent = static_cast<QContextMenuEvent*>(event);
            QGraphicsItem* at = view_->itemAt(menuEvent->pos());
            if (auto* item = dynamic_cast<NodeItem*>(at))
                showContextMenu(item, menuEvent->globalPos());
            else if (auto* group = dynamic_cast<GroupBoxItem*>(at))
                showGroupMenu(group, menuEvent->globalPos());
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
        if (const int g = selectedGroup(); g >= 0) {  // a group: exclude its quantizable nodes, or include them again
            const QStringList names = quantizableNodesOf(g);
            const bool include = std::all_of(names.begin(), names.end(), [this](const QString& n) { return excluded_.contains(n); });
            if (!names.isEmpty())
                emit exclusionsRequested(names, !include);
            return true;
        }
        auto it = scene_->nodes.find(selectedNode());
        if (it != scene_->nodes.end() && !it->second->name().isEmpty())
            emit exclusionToggled(it->second->name());
        return true;
    }
    case Qt::Key_Backspace: {  // closes the group around the selection (or the selected open group)
        int group = -1;
        if (const int g = selectedGroup(); g >= 0)
            group = scene_->groups.at(g)->isOpen() ? g : tree_->groups[static_cast<size_t>(g)].parent;
        else
            group = innermostOpenGroupOf(selectedNode());
        if (tree_ && group > 0)
            setGroupOpen(QString::fromStdString(tree_->groups[static_cast<size_t>(group)].path), false);
        return true;
    }
    case Qt::Key_Return:
    case Qt::Key_Enter: {
        if (const int g = selectedGroup(); g >= 0 && !scene_->groups.at(g)->isOpen()) {
            setGroupOpen(scene_->groups.at(g)->path(), true);
            return true;
        }
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
    if (isGrouped()) {
        moveSelectionAmongBoxes(key);
        return;
    }
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

void GraphView::moveSelectionAmongBoxes(int key) {
    // The boxes on show: nodes and closed groups; Up and Down follow the edges between them.
    std::map<GroupItem, QGraphicsItem*> boxes;
    for (auto& [n, item] : scene_->nodes)
        boxes[{false, n}] = item;
    for (auto& [g, item] : scene_->groups)
        if (!item->isOpen())
            boxes[{true, g}] = item;
    if (boxes.empty())
        return;
    auto show = [this](QGraphicsItem* item) {
        scene_->clearSelection();  // selectionChanged reports the node or group
        item->setSelected(true);
        view_->ensureVisible(item, 80, 80);
    };
    std::optional<GroupItem> current;
    if (const int n = selectedNode(); n >= 0)
        current = GroupItem{false, n};
    else if (const int g = selectedGroup(); g >= 0 && boxes.count({true, g}))
        current = GroupItem{true, g};
    if (!current) {  // nothing selected: start at the top
        QGraphicsItem* top = nullptr;
        for (auto& [it, item] : boxes)
            if (!top || item->sceneBoundingRect().top() < top->sceneBoundingRect().top())
                top = item;
        show(top);
        return;
    }
    const QPointF from = boxes.at(*current)->sceneBoundingRect().center();
    std::set<GroupItem> candidates;
    if (key == Qt::Key_Up || key == Qt::Key_Down) {
        for (const auto& e : tree_->edges) {
            const GroupItem a = visibleItemOf(*tree_, open_, e.from), b = visibleItemOf(*tree_, open_, e.to);
            if (a == b)
                continue;
            if (key == Qt::Key_Down && a == *current)
                candidates.insert(b);
            if (key == Qt::Key_Up && b == *current)
                candidates.insert(a);
        }
    } else {
        for (auto& [it, item] : boxes) {
            const double dx = item->sceneBoundingRect().center().x() - from.x();
            if ((key == Qt::Key_Left && dx < -1) || (key == Qt::Key_Right && dx > 1))
                candidates.insert(it);
        }
    }
    const bool vertical = key == Qt::Key_Up || key == Qt::Key_Down;
    QGraphicsItem* best = nullptr;
    double bestScore = 0.0;
    for (const auto& c : candidates) {
        auto it = boxes.find(c);
        if (it == boxes.end())
            continue;
        const QPointF p = it->second->sceneBoundingRect().center();
        const double score = vertical ? std::abs(p.x() - from.x()) : std::abs(p.x() - from.x()) + 4.0 * std::abs(p.y() - from.y());
        if (!best || score < bestScore) {
            best = it->second;
            bestScore = score;
        }
    }
    if (best)
        show(best);
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
    addGroupActions(menu, innermostOpenGroupOf(item->node()));
    if (!menu.isEmpty())
        menu.exec(globalPos);
}

void GraphView::addGroupActions(QMenu& menu, int innermostOpen) {
    if (!tree_ || tree_->groups.size() < 2)
        return;
    menu.addSeparator();
    if (innermostOpen > 0) {
        const QString path = QString::fromStdString(tree_->groups[static_cast<size_t>(innermostOpen)].path);
        QAction* close = menu.addAction(tr("Close Group %1").arg(path));
        connect(close, &QAction::triggered, this, [this, path] { setGroupOpen(path, false); });
    }
    QMenu* depth = menu.addMenu(tr("Expand All to Depth"));
    for (int d = 1; d <= tree_->maxDepth + 1; ++d) {
        QAction* a = depth->addAction(d == tree_->maxDepth + 1 ? tr("All (no groups)") : QString::number(d));
        connect(a, &QAction::triggered, this, [this, d] { expandToDepth(d); });
    }
}

void GraphView::showGroupMenu(GroupBoxItem* item, const QPoint& globalPos) {
    if (!tree_)
        return;
    scene_->clearSelection();
    item->setSelected(true);
    QMenu menu;
    const QString path = item->path();
    QAction* toggle = menu.addAction(item->isOpen() ? tr("Close Group") : tr("Open Group"));
    connect(toggle, &QAction::triggered, this, [this, path, open = !item->isOpen()] { setGroupOpen(path, open); });
    const QStringList names = quantizableNodesOf(item->group());
    if (!names.isEmpty()) {
        const bool include = std::all_of(names.begin(), names.end(), [this](const QString& n) { return excluded_.contains(n); });
        QAction* a = menu.addAction(include ? tr("Include Group Again (%n quantizable nodes)", nullptr, static_cast<int>(names.size()))
                                            : tr("Exclude Group from Quantization (%n quantizable nodes)", nullptr, static_cast<int>(names.size())));
        connect(a, &QAction::triggered, this, [this, names, include] { emit exclusionsRequested(names, !include); });
    }
    const int parent = tree_->groups[static_cast<size_t>(item->group())].parent;
    addGroupActions(menu, item->isOpen() ? -1 : parent);
    menu.exec(globalPos);
}

}  // namespace ql
