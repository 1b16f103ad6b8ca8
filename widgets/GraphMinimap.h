// An overview of the whole graph in a corner of the graph view: the part on screen is framed,
// and a click or drag there moves the main view.
#pragma once

#include <QGraphicsView>

namespace ql {

class GraphMinimap : public QGraphicsView {
    Q_OBJECT
public:
    GraphMinimap(QGraphicsView* main, QWidget* parent);
    void refit();  // after the scene changes

protected:
    void drawForeground(QPainter* painter, const QRectF& rect) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void centerMainOn(const QPoint& minimapPos);

    QGraphicsView* main_;
};

}  // namespace ql
