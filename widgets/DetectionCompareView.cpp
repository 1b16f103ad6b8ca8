#include "DetectionCompareView.h"

#include <QFileInfo>
#include <QGraphicsPixmapItem>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <cmath>

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

}  // namespace

DetectionCompareView::DetectionCompareView(QWidget* parent)
    : QWidget(parent), list_(new QListWidget(this)), summary_(new QLabel(this)), legend_(new QLabel(this)),
      fitButton_(new QPushButton(tr("Fit"), this)) {
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
    legend_->setWordWrap(true);
    legend_->setText(tr("Boxes in class colours: matched. Magenta: missed by the quantized model (left) or extra "
                        "(right). White edged with black: moved, matched with IoU under %1.")
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
    bar->addWidget(legend_, 1);
    auto* right = new QVBoxLayout;
    right->addLayout(bar);
    right->addLayout(images, 1);
    right->addWidget(summary_);
    // The image list beside the pictures in a splitter: on a narrow screen it can be dragged
    // smaller, or shut, and the pictures refit to the room they get.
    auto* pictures = new QWidget(this);
    pictures->setLayout(right);
    right->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(list_);
    splitter->addWidget(pictures);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({130, 800});
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
    connect(list_, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0)
            emit imageActivated(list_->item(row)->data(Qt::UserRole).toString());
    });
    summary_->setText(tr("Open images (File > Open Images) to compare the detections of both models."));
}

void DetectionCompareView::setImages(const QStringList& paths) {
    const QSignalBlocker block(list_);
    const QString current = currentImage();
    list_->clear();
    for (const QString& p : paths) {
        auto* item = new QListWidgetItem(QFileInfo(p).fileName(), list_);
        item->setData(Qt::UserRole, p);
        item->setToolTip(p);
        if (p == current || (current.isEmpty() && list_->count() == 1))
            list_->setCurrentItem(item);
    }
}

QString DetectionCompareView::currentImage() const {
    return list_->currentItem() ? list_->currentItem()->data(Qt::UserRole).toString() : QString();
}

void DetectionCompareView::showResult(const QImage& fp32, const QImage& quantized, const QString& summary) {
    leftPixmap_->setPixmap(QPixmap::fromImage(fp32));
    rightPixmap_->setPixmap(QPixmap::fromImage(quantized));
    for (QGraphicsView* v : {left_, right_})
        v->scene()->setSceneRect(v->scene()->itemsBoundingRect());
    fitUnlessZoomed();  // a zoom the user chose stays for the next image, to compare the same spot
    summary_->setText(summary);
}

void DetectionCompareView::fitImages() {
    zoomed_ = false;
    for (QGraphicsView* v : {left_, right_})
        if (!v->sceneRect().isEmpty())
            v->fitInView(v->sceneRect(), Qt::KeepAspectRatio);
}

void DetectionCompareView::fitUnlessZoomed() {
    if (!zoomed_)
        fitImages();
}

void DetectionCompareView::showProblem(const QString& message) {
    leftPixmap_->setPixmap(QPixmap());
    rightPixmap_->setPixmap(QPixmap());
    summary_->setText(message);
}

bool DetectionCompareView::eventFilter(QObject* watched, QEvent* event) {
    const QEvent::Type type = event->type();
    if (type != QEvent::Wheel && type != QEvent::Resize && type != QEvent::Show)
        return QWidget::eventFilter(watched, event);  // nor look at the views, maybe being deleted
    const bool viewport = watched == left_->viewport() || watched == right_->viewport();
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
