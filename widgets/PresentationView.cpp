#include "PresentationView.h"

#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QSlider>
#include <QVBoxLayout>

namespace ql {
namespace {

constexpr int kSliderSteps = 1000;

QFont largeFont(const QFont& base, double points) {
    QFont f = base;
    f.setPointSizeF(points);
    return f;
}

}  // namespace

PresentationView::PresentationView(QWidget* parent)
    : QWidget(parent), headline_(new QLabel(this)), status_(new QLabel(this)), slider_(new QSlider(Qt::Horizontal, this)) {
    setFocusPolicy(Qt::StrongFocus);
    setAutoFillBackground(true);
    setMouseTracking(false);
    headline_->setObjectName(QStringLiteral("presentationHeadline"));
    headline_->setFont(largeFont(font(), 20));
    headline_->setWordWrap(true);
    headline_->setAlignment(Qt::AlignCenter);
    status_->setObjectName(QStringLiteral("presentationStatus"));
    status_->setFont(largeFont(font(), 16));
    status_->setAlignment(Qt::AlignCenter);
    slider_->setRange(0, kSliderSteps);
    slider_->setValue(kSliderSteps / 2);
    slider_->setFocusPolicy(Qt::NoFocus);  // the keys belong to the presentation
    connect(slider_, &QSlider::valueChanged, this, [this] { update(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 8, 16, 8);
    layout->addWidget(headline_);
    layout->addStretch(1);  // the picture is painted here
    layout->addWidget(slider_);
    layout->addWidget(status_);
    updateStatus();
}

void PresentationView::setSlides(QVector<PresentationSlide> slides) {
    slides_ = std::move(slides);
    current_ = 0;
    updateStatus();
    update();
}

void PresentationView::setHeadline(const QString& text) { headline_->setText(text); }

double PresentationView::wipe() const { return static_cast<double>(slider_->value()) / kSliderSteps; }

void PresentationView::setWipe(double fraction) {
    slider_->setValue(static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * kSliderSteps)));
}

const PresentationSlide* PresentationView::shown() const {
    if (live_)
        return &*live_;
    return slides_.isEmpty() ? nullptr : &slides_[current_];
}

QRect PresentationView::pictureRect() const {
    const QRect area(16, headline_->geometry().bottom() + 8, width() - 32,
                     slider_->geometry().top() - 8 - (headline_->geometry().bottom() + 8));
    const PresentationSlide* s = shown();
    if (!s || s->fp32.isNull() || area.width() <= 0 || area.height() <= 0)
        return area;
    const QSize size = s->fp32.size().scaled(area.size(), Qt::KeepAspectRatio);
    return QRect(area.x() + (area.width() - size.width()) / 2, area.y() + (area.height() - size.height()) / 2, size.width(),
                 size.height());
}

void PresentationView::setPlayable(bool playable) {
    playable_ = playable;
    updateStatus();
}

void PresentationView::showLiveFrame(const PresentationSlide& frame) {
    if (playback_ == Playback::Stopped)
        return;  // a frame still on its way after a stop
    live_ = frame;
    updateStatus();
    update();
}

void PresentationView::playbackEnded(const QString& error) {
    playback_ = Playback::Stopped;
    playbackNote_ = error;
    updateStatus();
}

void PresentationView::togglePlayback() {
    if (!playable_)
        return;
    switch (playback_) {
    case Playback::Stopped:
        playback_ = Playback::Playing;
        playbackNote_.clear();
        emit playRequested();
        break;
    case Playback::Playing:
        playback_ = Playback::Paused;
        emit pauseRequested(true);
        break;
    case Playback::Paused:
        playback_ = Playback::Playing;
        emit pauseRequested(false);
        break;
    }
    updateStatus();
}

void PresentationView::step(int by) {
    if (live_) {  // back to the slides, where the video was left
        if (playback_ != Playback::Stopped)
            emit stopRequested();
        playback_ = Playback::Stopped;
        live_.reset();
        updateStatus();
        update();
        return;
    }
    if (slides_.isEmpty())
        return;
    current_ = std::clamp(current_ + by, 0, static_cast<int>(slides_.size()) - 1);
    updateStatus();
    update();
}

void PresentationView::updateStatus() {
    slider_->setVisible(mode_ == Mode::Wipe);
    const PresentationSlide* s = shown();
    if (!s) {
        status_->setText(tr("No pictures to present: open images and both models."));
        return;
    }
    const QString how = mode_ == Mode::Wipe ? tr("FP32 left of the line, INT8 right (\u2190/\u2192 or drag; B: blink)")
                                            : (showQuantized_ ? tr("INT8 (Space: FP32; W: wipe)") : tr("FP32 (Space: INT8; W: wipe)"));
    if (live_) {
        QString state;
        switch (playback_) {
        case Playback::Playing: state = tr("\u25b6 Playing (V: pause; Page Down: back to the slides)"); break;
        case Playback::Paused: state = tr("\u275a\u275a Paused (V: play)"); break;
        case Playback::Stopped:
            state = playbackNote_.isEmpty() ? tr("End of the video (V: play again; Page Down: back to the slides)")
                                            : tr("Stopped: %1").arg(playbackNote_);
            break;
        }
        status_->setText(tr("%1 \u2014 %2 \u2014 %3 \u2014 %4").arg(s->name, s->caption, state, how));
        return;
    }
    QString text = tr("%1 of %2: %3 \u2014 %4 \u2014 %5").arg(current_ + 1).arg(slides_.size()).arg(s->name, s->caption, how);
    if (playable_)
        text += tr(" \u2014 V: play the video");
    status_->setText(text);
}

void PresentationView::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
    case Qt::Key_PageDown:
    case Qt::Key_Down:
    case Qt::Key_N:
        step(1);
        break;
    case Qt::Key_PageUp:
    case Qt::Key_Up:
    case Qt::Key_P:
        step(-1);
        break;
    case Qt::Key_Right:  // in wipe mode the arrows move the divider, in blink mode they step
        if (mode_ == Mode::Wipe)
            setWipe(wipe() + 0.1);
        else
            step(1);
        break;
    case Qt::Key_Left:
        if (mode_ == Mode::Wipe)
            setWipe(wipe() - 0.1);
        else
            step(-1);
        break;
    case Qt::Key_Home:
        step(-count());
        break;
    case Qt::Key_End:
        step(count());
        break;
    case Qt::Key_B:
        mode_ = Mode::Blink;
        updateStatus();
        update();
        break;
    case Qt::Key_W:
        mode_ = Mode::Wipe;
        updateStatus();
        update();
        break;
    case Qt::Key_Space:
        if (mode_ == Mode::Blink) {
            showQuantized_ = !showQuantized_;
            updateStatus();
            update();
        }
        break;
    case Qt::Key_V:
        if (live_ && playback_ == Playback::Stopped)
            live_.reset();  // played to the end: play again from the start
        togglePlayback();
        break;
    case Qt::Key_Escape:
        if (playback_ != Playback::Stopped)
            emit stopRequested();
        playback_ = Playback::Stopped;
        emit closeRequested();
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

void PresentationView::mousePressEvent(QMouseEvent* event) {
    const QRect r = pictureRect();
    if (mode_ == Mode::Wipe && r.width() > 0 && r.contains(event->position().toPoint()))
        setWipe((event->position().x() - r.x()) / r.width());
    else
        QWidget::mousePressEvent(event);
}

void PresentationView::mouseMoveEvent(QMouseEvent* event) {
    if (event->buttons() & Qt::LeftButton)
        mousePressEvent(event);
}

void PresentationView::paintEvent(QPaintEvent*) {
    const PresentationSlide* shownSlide = shown();
    if (!shownSlide)
        return;
    const PresentationSlide& s = *shownSlide;
    const QRect r = pictureRect();
    QPainter p(this);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    if (mode_ == Mode::Blink) {
        p.drawImage(r, showQuantized_ ? s.quantized : s.fp32);
        return;
    }
    // Wipe: FP32 left of the divider, INT8 right of it, both mapped onto the same rectangle.
    const int divider = r.x() + static_cast<int>(std::lround(wipe() * r.width()));
    p.save();
    p.setClipRect(QRect(r.x(), r.y(), divider - r.x(), r.height()));
    p.drawImage(r, s.fp32);
    p.setClipRect(QRect(divider, r.y(), r.right() + 1 - divider, r.height()));
    p.drawImage(r, s.quantized);
    p.restore();
    p.setPen(QPen(Qt::white, 3));
    p.drawLine(divider, r.top(), divider, r.bottom());
    p.setPen(QPen(Qt::black, 1));
    p.drawLine(divider + 2, r.top(), divider + 2, r.bottom());
    // Which side is which, large.
    p.setFont(largeFont(font(), 18));
    const auto tag = [&](const QString& text, QPoint at, bool right) {
        const QRect box = p.fontMetrics().boundingRect(text).adjusted(-8, -4, 8, 4);
        QRect placed(at, box.size());
        if (right)
            placed.moveTopRight(at);
        p.fillRect(placed, QColor(0, 0, 0, 170));
        p.setPen(Qt::white);
        p.drawText(placed, Qt::AlignCenter, text);
    };
    if (divider - r.x() > 80)
        tag(QStringLiteral("FP32"), QPoint(r.x() + 6, r.y() + 6), false);
    if (r.right() - divider > 80)
        tag(QStringLiteral("INT8"), QPoint(r.right() - 6, r.y() + 6), true);
}

}  // namespace ql
