// Presentation mode: full screen, one image at a time, FP32 against INT8 on the same spot, either
// wiped (FP32 left of a divider the slider moves, INT8 right of it) or blinked (Space flips the
// whole picture), the headline numbers in a strip, and keys a clicker sends to step through the
// images INT8 changed most. Esc leaves. When the slides come from a video, V plays the clip
// through both models (frames arrive from elsewhere through showLiveFrame) and pauses it; a step
// key goes back to the slides. It only shows pictures made elsewhere.
#pragma once

#include <QImage>
#include <QString>
#include <QVector>
#include <QWidget>

#include <optional>

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
    enum class Playback { Stopped, Playing, Paused };

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

    // The slides come from a video that V can play.
    void setPlayable(bool playable);
    Playback playback() const { return playback_; }
    bool showingLive() const { return live_.has_value(); }
    void showLiveFrame(const PresentationSlide& frame);  // the playing video's latest frame
    // The video stopped: at its end (error empty) or because of `error`; the last frame stays.
    void playbackEnded(const QString& error = QString());

signals:
    void closeRequested();
    void playRequested();              // V with the video stopped
    void pauseRequested(bool paused);  // V while it plays or is paused
    void stopRequested();              // a step key or Esc while it plays

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
    bool playable_ = false;
    Playback playback_ = Playback::Stopped;
    std::optional<PresentationSlide> live_;  // while a video plays, or after it ended
    QString playbackNote_;                   // why playback stopped, when it did not reach the end

    const PresentationSlide* shown() const;  // the live frame, else the current slide; null: none
    void togglePlayback();
    void step(int by);
    void updateStatus();
};

}  // namespace ql
