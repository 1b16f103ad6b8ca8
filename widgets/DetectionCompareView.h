// FP32 and quantized detections side by side: two views that zoom and pan together, fitted to the
// image until the user zooms, the list of images to step through, and what differs (missed, extra,
// moved boxes) with each model's latency.
#pragma once

#include <QWidget>

class QGraphicsPixmapItem;
class QGraphicsView;
class QLabel;
class QListWidget;
class QPushButton;

namespace ql {

class DetectionCompareView : public QWidget {
    Q_OBJECT
public:
    explicit DetectionCompareView(QWidget* parent = nullptr);
    void setImages(const QStringList& paths);
    void showResult(const QImage& fp32, const QImage& quantized, const QString& summary);
    // Why there is nothing to show (models that are no detectors, an unreadable image): in place
    // of the pictures, not in a dialog, since it comes back with every image.
    void showProblem(const QString& message);
    QString currentImage() const;
    // Both images scaled to fit their views again; zooming afterwards stops the refits on resize,
    // show and a new image until the next fit.
    void fitImages();
    bool zoomedByUser() const { return zoomed_; }
    QGraphicsView* fp32View() const { return left_; }
    QGraphicsView* quantizedView() const { return right_; }

signals:
    void imageActivated(const QString& path);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QListWidget* list_;
    QGraphicsView* left_;
    QGraphicsView* right_;
    QGraphicsPixmapItem* leftPixmap_;
    QGraphicsPixmapItem* rightPixmap_;
    QLabel* summary_;
    QLabel* legend_;
    QPushButton* fitButton_;
    bool zoomed_ = false;  // the user zoomed since the last fit

    void fitUnlessZoomed();
};

}  // namespace ql
