// FP32 and quantized detections side by side: two views that zoom and pan together, fitted to the
// image until the user zooms, the images to step through as a table ranked by how much INT8
// changed each one, and what differs (missed, extra, moved boxes) with each model's latency.
// Clicking an FP32 box, or "Explain missed boxes", asks why INT8 lost it; the explanation shows
// in a panel beside the pictures with the box and its INT8 partner highlighted.
#pragma once

#include <QWidget>
#include <string>
#include <vector>

#include "detect/BoxExplanation.h"
#include "detect/Detector.h"
#include "report/DetectionReport.h"

class QGraphicsItem;
class QGraphicsPixmapItem;
class QGraphicsView;
class QLabel;
class QPushButton;
class QSplitter;
class QTableView;

namespace ql {

class BoxExplanationView;
class ImageChangeModel;
class ImageChangeProxy;

class DetectionCompareView : public QWidget {
    Q_OBJECT
public:
    explicit DetectionCompareView(QWidget* parent = nullptr);
    // The images of the list, in the folder's order, with no figures until setImageChange. The
    // row selected: `select`, else the image shown if still listed, else the first; selecting it
    // here asks for nothing (the caller shows it).
    void setImages(const QStringList& paths, const QString& select = QString());
    // One image's figures, as the workspace runs it: its row fills in and moves to its rank.
    void setImageChange(const QString& path, const ImageChange& change);
    // Selects the image's row (which asks for its detections); false when it is not listed.
    bool selectImage(const QString& path);
    void showResult(const QImage& fp32, const QImage& quantized, const QString& summary);
    // The boxes drawn in the pictures just shown (image pixels, as the pictures): what a click
    // finds, and the missed ones drawn dashed red over the FP32 picture.
    void setBoxes(const QString& imagePath, const DetectionComparison& boxes);  // closes the explanation
    // Why there is nothing to show (models that are no detectors, an unreadable image): in place
    // of the pictures, not in a dialog, since it comes back with every image.
    void showProblem(const QString& message);
    // An explanation of boxes of the image shown (ignored for another image): the panel opens on
    // `box` (index into explanation.boxes).
    void showExplanation(const QString& imagePath, const ImageExplanation& explanation,
                         const std::vector<std::string>& classNames, int box = 0);
    void closeExplanation();
    QString currentImage() const;
    // Both images scaled to fit their views again; zooming afterwards stops the refits on resize,
    // show and a new image until the next fit.
    void fitImages();
    bool zoomedByUser() const { return zoomed_; }
    QGraphicsView* fp32View() const { return left_; }
    QGraphicsView* quantizedView() const { return right_; }
    QTableView* imageTable() const { return table_; }
    ImageChangeModel* imageModel() const { return model_; }
    BoxExplanationView* explanationView() const { return explanation_; }
    const DetectionComparison& boxes() const { return boxes_; }
    // The FP32 box at a point of the picture (image pixels): the smallest one holding it; -1: none.
    int fp32BoxAt(const QPointF& imagePoint) const;

signals:
    void imageActivated(const QString& path);
    void boxClicked(const QString& imagePath, int fp32Index);  // into boxes().fp32
    void explainChangedRequested(const QString& imagePath);     // every missed and moved box

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    ImageChangeModel* model_;
    ImageChangeProxy* proxy_;
    QTableView* table_;
    QGraphicsView* left_;
    QGraphicsView* right_;
    QGraphicsPixmapItem* leftPixmap_;
    QGraphicsPixmapItem* rightPixmap_;
    QLabel* summary_;
    QLabel* legend_;
    QPushButton* fitButton_;
    QPushButton* explainButton_;
    BoxExplanationView* explanation_;
    QSplitter* splitter_;  // the side (table, explanation) and the pictures
    QSplitter* side_;
    bool zoomed_ = false;  // the user zoomed since the last fit
    bool sized_ = false;   // the side's width set once, when first shown
    QPoint pressedAt_;     // where the left button went down in the FP32 view: a click, or a drag
    QString boxesImage_;   // the image boxes_ belong to
    QString currentImage_; // the image selected in the table
    DetectionComparison boxes_;
    std::vector<QGraphicsItem*> missedMarks_, highlights_;

    void fitUnlessZoomed();
    void highlight(int box);  // the explained box (index into the explanation) and its INT8 partner
    void clearHighlights();
};

}  // namespace ql
