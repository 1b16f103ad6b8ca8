#include "DetectionCompareView.h"

#include <QFileInfo>
#include <QGraphicsPixmapItem>
#include <QGraphicsRectItem>
#include <QHeaderView>
#include <QMouseEvent>
#include <QTableView>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <cmath>
#include <limits>

#include "BoxExplanationView.h"
#include "ImageChangeModel.h"
#include "detect/DetectionMatcher.h"

namespace ql {
namespace {

QGraphicsView* makeView(QWidget* parent, QGraphicsPixmapItem** item) {
    auto* scene = new QGraphicsScene(parent);
    *item = scene->addPixmap(QPixmap());
    (*item)->setTransformationMode(Qt::SmoothTransformation);
    auto* view = new QGraphicsView(scene, parent);
    view->setDragMode(QGraphicsView::ScrollHandDrag);
    view->setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    view->setBackgroundBrush(QColor(40, 40, 40));
    return view;
}

// A mark over a picture, in image pixels; cosmetic: as thick at any zoom.
QGraphicsRectItem* mark(QGraphicsView* view, const Box& b, const QPen& pen, const QString& tip = {}) {
    auto* item = view->scene()->addRect(QRectF(QPointF(b.x1, b.y1), QPointF(b.x2, b.y2)), pen);
    item->setZValue(1);
    item->setToolTip(tip);
    return item;
}

QPen cosmetic(const QColor& colour, qreal width, Qt::PenStyle style = Qt::SolidLine) {
    QPen pen(colour, width, style);
    pen.setCosmetic(true);
    return pen;
}

}  // namespace

DetectionCompareView::DetectionCompareView(QWidget* parent)
    : QWidget(parent), model_(new ImageChangeModel(this)), proxy_(new ImageChangeProxy(this)), table_(new QTableView(this)),
      summary_(new QLabel(this)), legend_(new QLabel(this)), fitButton_(new QPushButton(tr("Fit"), this)),
      explainButton_(new QPushButton(tr("Explain missed boxes"), this)), explanation_(new BoxExplanationView(this)) {
    left_ = makeView(this, &leftPixmap_);
    right_ = makeView(this, &rightPixmap_);
    for (QGraphicsView* v : {left_, right_}) {
        // The viewport gets the wheel, and a resize also when the tab is first shown: the image is
        // fitted then, since a fit while the tab is hidden uses a view a few pixels wide.
        v->viewport()->installEventFilter(this);
        new QShortcut(QKeySequence(Qt::Key_F), v, this, &DetectionCompareView::fitImages, Qt::WidgetShortcut);
    }
    fitButton_->setToolTip(tr("Scale both images to fit their views (F)"));
    connect(fitButton_, &QPushButton::clicked, this, &DetectionCompareView::fitImages);
    explainButton_->setToolTip(tr("Why INT8 missed or moved the FP32 boxes of this image; or click a box in the FP32 picture"));
    explainButton_->setObjectName(QStringLiteral("explainMissedButton"));
    explainButton_->setEnabled(false);
    connect(explainButton_, &QPushButton::clicked, this, [this] {
        if (!boxesImage_.isEmpty())
            emit explainChangedRequested(boxesImage_);
    });
    legend_->setWordWrap(true);
    legend_->setText(tr("Boxes in class colours: matched. Magenta: missed by the quantized model (left, dashed red: "
                        "click it to see why) or extra (right). White edged with black: moved, matched with IoU under %1.")
                         .arg(kMovedBelowIou, 0, 'f', 1));
    // Panning one view pans the other: the same part of the image stays side by side.
    for (auto [a, b] : {std::pair{left_, right_}, {right_, left_}}) {
        connect(a->horizontalScrollBar(), &QScrollBar::valueChanged, b->horizontalScrollBar(), &QScrollBar::setValue);
        connect(a->verticalScrollBar(), &QScrollBar::valueChanged, b->verticalScrollBar(), &QScrollBar::setValue);
    }
    summary_->setWordWrap(true);
    auto* images = new QHBoxLayout;
    images->addWidget(left_, 1);
    images->addWidget(right_, 1);
    auto* bar = new QHBoxLayout;
    bar->addWidget(fitButton_);
    bar->addWidget(explainButton_);
    bar->addStretch(1);
    auto* right = new QVBoxLayout;
    right->addLayout(bar);
    right->addWidget(legend_);  // a line of its own: beside the buttons it would squeeze the pictures
    right->addLayout(images, 1);
    right->addWidget(summary_);

    // The images ranked by how much INT8 changed them, worst first; a header click sorts by it.
    proxy_->setSourceModel(model_);
    table_->setModel(proxy_);
    table_->setObjectName(QStringLiteral("imageChangeTable"));
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSortingEnabled(true);
    table_->sortByColumn(ImageChangeModel::Change, Qt::DescendingOrder);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->setWordWrap(false);
    table_->setTextElideMode(Qt::ElideMiddle);
    // The numbers as wide as they need; the name keeps room for a file name (elided in the
    // middle, whole in its tooltip) and can be dragged wider. On a narrow side the table scrolls.
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(ImageChangeModel::Image, QHeaderView::Interactive);
    table_->horizontalHeader()->resizeSection(ImageChangeModel::Image,
                                              table_->fontMetrics().horizontalAdvance(QStringLiteral("000000000000.jpg")));
    table_->horizontalHeader()->setMinimumSectionSize(30);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
        const QString path = current.data(ImageChangeModel::PathRole).toString();
        if (current.isValid() && path != currentImage_)
            emit imageActivated(currentImage_ = path);
    });

    // The image table, with the explanation under it once a box is explained, beside the
    // pictures in splitters: on a narrow screen each can be dragged smaller, or shut, and the
    // pictures refit to the room they get (the pictures keep the most width).
    auto* pictures = new QWidget(this);
    pictures->setLayout(right);
    right->setContentsMargins(0, 0, 0, 0);
    side_ = new QSplitter(Qt::Vertical, this);
    side_->addWidget(table_);
    side_->addWidget(explanation_);
    side_->setStretchFactor(1, 1);
    explanation_->hide();  // until a box is explained
    splitter_ = new QSplitter(Qt::Horizontal, this);
    splitter_->addWidget(side_);
    splitter_->addWidget(pictures);
    splitter_->setStretchFactor(1, 1);
    splitter_->setCollapsible(1, false);
    splitter_->setSizes({280, 800});
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter_);
    connect(explanation_, &BoxExplanationView::boxShown, this, &DetectionCompareView::highlight);
    connect(explanation_, &BoxExplanationView::closeRequested, this, &DetectionCompareView::closeExplanation);
    summary_->setText(tr("Open images (File > Open Images) to compare the detections of both models."));
}

void DetectionCompareView::setImages(const QStringList& paths, const QString& select) {
    const QString current = currentImage();
    model_->setImages(paths);
    const QString keep = paths.contains(select)    ? select
                         : paths.contains(current) ? current
                         : paths.isEmpty()         ? QString()
                                                   : paths.front();
    const QSignalBlocker block(table_->selectionModel());
    currentImage_ = keep;
    const int row = model_->rowOf(keep);
    if (row >= 0)
        table_->setCurrentIndex(proxy_->mapFromSource(model_->index(row, 0)));
}

void DetectionCompareView::setImageChange(const QString& path, const ImageChange& change) {
    model_->setChange(path, change);
    if (const QModelIndex current = table_->currentIndex(); current.isValid())
        table_->scrollTo(current);  // the selected row may have moved
}

bool DetectionCompareView::selectImage(const QString& path) {
    const int row = model_->rowOf(path);
    if (row < 0)
        return false;
    table_->setCurrentIndex(proxy_->mapFromSource(model_->index(row, 0)));
    return true;
}

QString DetectionCompareView::currentImage() const { return currentImage_; }

void DetectionCompareView::showResult(const QImage& fp32, const QImage& quantized, const QString& summary) {
    leftPixmap_->setPixmap(QPixmap::fromImage(fp32));
    rightPixmap_->setPixmap(QPixmap::fromImage(quantized));
    for (QGraphicsView* v : {left_, right_})
        v->scene()->setSceneRect(v->scene()->itemsBoundingRect());
    fitUnlessZoomed();  // a zoom the user chose stays for the next image, to compare the same spot
    summary_->setText(summary);
}

void DetectionCompareView::setBoxes(const QString& imagePath, const DetectionComparison& boxes) {
    closeExplanation();  // it was about another image, or other models
    boxesImage_ = imagePath;
    boxes_ = boxes;
    for (QGraphicsItem* item : missedMarks_)
        delete item;
    missedMarks_.clear();
    for (const int i : boxes_.match.missed)
        missedMarks_.push_back(mark(left_, boxes_.fp32[static_cast<size_t>(i)].box, cosmetic(QColor(230, 30, 30), 3, Qt::DashLine),
                                    tr("Missed by INT8: click to see why")));
    explainButton_->setEnabled(!boxes_.match.missed.empty() || !movedPairs(boxes_.match).empty());
}

int DetectionCompareView::fp32BoxAt(const QPointF& p) const {
    int best = -1;
    float bestArea = 0.0f;
    for (size_t i = 0; i < boxes_.fp32.size(); ++i) {
        const Box& b = boxes_.fp32[i].box;
        const float area = (b.x2 - b.x1) * (b.y2 - b.y1);
        if (p.x() >= b.x1 && p.x() <= b.x2 && p.y() >= b.y1 && p.y() <= b.y2 && (best < 0 || area < bestArea)) {
            best = static_cast<int>(i);
            bestArea = area;
        }
    }
    return best;
}

void DetectionCompareView::showExplanation(const QString& imagePath, const ImageExplanation& explanation,
                                           const std::vector<std::string>& classNames, int box) {
    if (imagePath != boxesImage_)
        return;  // the user moved on to another image
    const bool wasHidden = explanation_->isHidden();
    explanation_->showExplanation(explanation, classNames, box);
    explanation_->show();
    if (wasHidden) {  // the table keeps room for a few rows; the explanation takes the rest
        const int total = side_->height();
        const int rows = table_->horizontalHeader()->height() + table_->horizontalScrollBar()->sizeHint().height() + 4 +
                         table_->verticalHeader()->defaultSectionSize() * std::min(6, model_->rowCount());
        const int tableHeight = std::max(std::min(rows, total / 3), table_->verticalHeader()->defaultSectionSize() * 2);
        side_->setSizes({tableHeight, std::max(0, total - tableHeight)});
    }
}

void DetectionCompareView::closeExplanation() {
    clearHighlights();
    explanation_->clear();
    explanation_->hide();
}

void DetectionCompareView::clearHighlights() {
    for (QGraphicsItem* item : highlights_)
        delete item;
    highlights_.clear();
}

void DetectionCompareView::highlight(int box) {
    clearHighlights();
    const BoxExplanation* b = explanation_->current();
    if (box < 0 || !b)
        return;
    const QPen pen = cosmetic(QColor(255, 215, 0), 4);
    highlights_.push_back(mark(left_, b->fp32.box, pen));
    const auto& quantized = explanation_->explanation().quantized;
    const std::optional<int> partner = b->quantizedIndex ? b->quantizedIndex : b->suppressedBy;
    if (partner && *partner >= 0 && *partner < static_cast<int>(quantized.size()))
        highlights_.push_back(mark(right_, quantized[static_cast<size_t>(*partner)].box, pen));
    else  // where it should have been
        highlights_.push_back(mark(right_, b->fp32.box, cosmetic(QColor(255, 215, 0), 2, Qt::DotLine)));
}

void DetectionCompareView::fitImages() {
    zoomed_ = false;
    // One scale for both, the smaller of the two fits (a view can be a pixel narrower than the
    // other): the same spot of the image stays side by side at the same size.
    double scale = std::numeric_limits<double>::infinity();
    for (QGraphicsView* v : {left_, right_}) {
        const QRectF scene = v->sceneRect();
        const QRectF port = QRectF(v->viewport()->rect()).adjusted(1, 1, -1, -1);  // no scroll bars
        if (!scene.isEmpty() && !port.isEmpty())
            scale = std::min({scale, port.width() / scene.width(), port.height() / scene.height()});
    }
    if (!std::isfinite(scale))
        return;
    for (QGraphicsView* v : {left_, right_}) {
        v->setTransform(QTransform::fromScale(scale, scale));
        v->centerOn(v->sceneRect().center());
    }
}

void DetectionCompareView::fitUnlessZoomed() {
    if (!zoomed_)
        fitImages();
}

void DetectionCompareView::showProblem(const QString& message) {
    leftPixmap_->setPixmap(QPixmap());
    rightPixmap_->setPixmap(QPixmap());
    setBoxes(QString(), {});
    summary_->setText(message);
}

void DetectionCompareView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (sized_ || width() < 100)
        return;
    // The side as wide as the table's columns, up to 40% of the tab (but room for the
    // explanation's two columns of figures): the pictures keep the rest.
    sized_ = true;
    int columns = table_->frameWidth() * 2 + table_->verticalScrollBar()->sizeHint().width();
    for (int c = 0; c < ImageChangeModel::ColumnCount; ++c)
        columns += c == ImageChangeModel::Image ? table_->fontMetrics().horizontalAdvance(QStringLiteral("000000000000.jpg"))
                                                 : table_->horizontalHeader()->sectionSize(c);
    const int side = std::max(std::min(columns, width() * 2 / 5), std::min(260, width() / 2));
    splitter_->setSizes({side, std::max(100, width() - side)});
}

bool DetectionCompareView::eventFilter(QObject* watched, QEvent* event) {
    const QEvent::Type type = event->type();
    const bool mouse = type == QEvent::MouseButtonPress || type == QEvent::MouseButtonRelease;
    if (type != QEvent::Wheel && type != QEvent::Resize && type != QEvent::Show && !mouse)
        return QWidget::eventFilter(watched, event);  // nor look at the views, maybe being deleted
    const bool viewport = watched == left_->viewport() || watched == right_->viewport();
    if (mouse && watched == left_->viewport()) {
        // A click (not a drag to pan) on an FP32 box asks why INT8 lost it.
        const auto* e = static_cast<QMouseEvent*>(event);
        if (e->button() == Qt::LeftButton && type == QEvent::MouseButtonPress)
            pressedAt_ = e->position().toPoint();
        else if (e->button() == Qt::LeftButton && (e->position().toPoint() - pressedAt_).manhattanLength() < 5) {
            const int box = fp32BoxAt(left_->mapToScene(e->position().toPoint()));
            if (box >= 0 && !boxesImage_.isEmpty())
                emit boxClicked(boxesImage_, box);
        }
        return QWidget::eventFilter(watched, event);
    }
    if (type == QEvent::Wheel && viewport) {
        const double factor = std::pow(1.0015, static_cast<QWheelEvent*>(event)->angleDelta().y());
        for (QGraphicsView* v : {left_, right_})
            v->scale(factor, factor);  // both zoom together
        zoomed_ = true;
        return true;
    }
    if (viewport)  // shown or resized
        fitUnlessZoomed();
    return QWidget::eventFilter(watched, event);
}

}  // namespace ql
