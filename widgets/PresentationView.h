// Presentation mode: full screen, one image at a time, FP32 against INT8 on the same spot, either
// wiped (FP32 left of a divider the slider moves, INT8 right of it) or blinked (Space flips the
// whole picture), the headline numbers in a strip, and keys a clicker sends to step through the
// images INT8 changed most. Esc leaves. It only shows pictures made elsewhere.
#pragma once

#include <QImage>
#include <QString>
#include <QVector>
#include <QWidget>

class QLabel;
class QSlider;

namespace ql {

struct PresentationSlide {
    QString name;       // the image's file name
    QImage fp32;        // FP32's detections drawn on the image
    QImage quantized;   // INT8's, same size, differences marked
    QString caption;    // "3 missed, 1 extra, 2 moved"
};

class PresentationView : public QWidget {
    Q_OBJECT
public:
    enum class Mode { Wipe, Blink };

    explicit PresentationView(QWidget* parent = nullptr);
    void setSlides(QVector<PresentationSlide> slides);
    void setHeadline(const QString& text);  // the verdict and deciding numbers

    int current() const { return current_; }
    int count() const { return static_cast<int>(slides_.size()); }
    Mode mode() const { return mode_; }
    double wipe() const;               // 0: all INT8 ... 1: all FP32 (the divider's place, left to right)
    void setWipe(double fraction);
    bool showingQuantized() const { return showQuantized_; }  // in blink mode
    QRect pictureRect() const;          // where the picture is drawn, fitted to the space left

signals:
    void closeRequested();

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    QVector<PresentationSlide> slides_;
    int current_ = 0;
    Mode mode_ = Mode::Wipe;
    bool showQuantized_ = true;
    QLabel* headline_;
    QLabel* status_;
    QSlider* slider_;

    void step(int by);
    void updateStatus();
};

}  // namespace ql
