#include "GraphMinimap.h"

#include <QMouseEvent>
#include <QScrollBar>

namespace ql {

GraphMinimap::GraphMinimap(QGraphicsView* main, QWidget* parent) : QGraphicsView(main->scene(), parent), main_(main) {
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setInteractive(false);
    setFrameShape(QFrame::Box);
    setRenderHints({});  // thousands of tiny items: speed over looks
    setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
    setToolTip(tr("Overview: click or drag to move the view"));
    setCursor(Qt::PointingHandCursor);
    // The frame follows the main view wherever it scrolls or zooms.
    auto frameChanged = [this] { viewport()->update(); };
    connect(main_->horizontalScrollBar(), &QScrollBar::valueChanged, this, frameChanged);
    connect(main_->verticalScrollBar(), &QScrollBar::valueChanged, this, frameChanged);
    connect(main_->horizontalScrollBar(), &QScrollBar::rangeChanged, this, frameChanged);
    connect(main_->verticalScrollBar(), &QScrollBar::rangeChanged, this, frameChanged);
}

void GraphMinimap::refit() {
    if (scene() && !scene()->sceneRect().isEmpty())
        fitInView(scene()->sceneRect(), Qt::KeepAspectRatio);
    viewport()->update();
}

void GraphMinimap::resizeEvent(QResizeEvent* event) {
    QGraphicsView::resizeEvent(event);
    refit();
}

void GraphMinimap::drawForeground(QPainter* painter, const QRectF&) {
    const QRectF visible = main_->mapToScene(main_->viewport()->rect()).boundingRect();
    painter->setPen(QPen(QColor(30, 90, 200), 0));  // cosmetic: one pixel at any scale
    painter->setBrush(QColor(30, 90, 200, 40));
    painter->drawRect(visible);
}

void GraphMinimap::centerMainOn(const QPoint& pos) {
    main_->centerOn(mapToScene(pos));
    viewport()->update();
}

void GraphMinimap::mousePressEvent(QMouseEvent* event) { centerMainOn(event->position().toPoint()); }

void GraphMinimap::mouseMoveEvent(QMouseEvent* event) {
    if (event->buttons() & Qt::LeftButton)
        centerMainOn(event->position().toPoint());
}

}  // namespace ql
