#include "DetectionCompareView.h"

#include <QFileInfo>
#include <QGraphicsPixmapItem>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QScrollBar>
#include <QSplitter>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <cmath>

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

DetectionCompareView::DetectionCompareView(QWidget* parent) : QWidget(parent), list_(new QListWidget(this)), summary_(new QLabel(this)) {
    left_ = makeView(this, &leftPixmap_);
    right_ = makeView(this, &rightPixmap_);
    for (QGraphicsView* v : {left_, right_})
        v->viewport()->installEventFilter(this);
    // Panning one view pans the other: the same part of the image stays side by side.
    for (auto [a, b] : {std::pair{left_, right_}, {right_, left_}}) {
        connect(a->horizontalScrollBar(), &QScrollBar::valueChanged, b->horizontalScrollBar(), &QScrollBar::setValue);
        connect(a->verticalScrollBar(), &QScrollBar::valueChanged, b->verticalScrollBar(), &QScrollBar::setValue);
    }
    list_->setMaximumWidth(150);
    summary_->setWordWrap(true);
    auto* images = new QHBoxLayout;
    images->addWidget(left_, 1);
    images->addWidget(right_, 1);
    auto* right = new QVBoxLayout;
    right->addLayout(images, 1);
    right->addWidget(summary_);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(list_);
    layout->addLayout(right, 1);
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
    const bool first = leftPixmap_->pixmap().isNull();
    leftPixmap_->setPixmap(QPixmap::fromImage(fp32));
    rightPixmap_->setPixmap(QPixmap::fromImage(quantized));
    for (QGraphicsView* v : {left_, right_}) {
        v->scene()->setSceneRect(v->scene()->itemsBoundingRect());
        if (first)
            v->fitInView(v->sceneRect(), Qt::KeepAspectRatio);
    }
    summary_->setText(summary);
}

void DetectionCompareView::showProblem(const QString& message) {
    leftPixmap_->setPixmap(QPixmap());
    rightPixmap_->setPixmap(QPixmap());
    summary_->setText(message);
}

bool DetectionCompareView::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::Wheel && (watched == left_->viewport() || watched == right_->viewport())) {
        const double factor = std::pow(1.0015, static_cast<QWheelEvent*>(event)->angleDelta().y());
        for (QGraphicsView* v : {left_, right_})
            v->scale(factor, factor);  // both zoom together
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace ql
