#include "StudyDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "util/AtomicFile.h"

namespace ql {
namespace {

// A table cell sorted by its number when it holds one (mAP, latency...), else by its text;
// empty and "-" cells sort before every number.
class StudyCell : public QTableWidgetItem {
public:
    explicit StudyCell(const QString& text) : QTableWidgetItem(text) {
        bool ok = false;
        const double v = text.toDouble(&ok);
        if (ok)
            setData(Qt::UserRole, v);
        setFlags(flags() & ~Qt::ItemIsEditable);
        if (ok)
            setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    bool operator<(const QTableWidgetItem& other) const override {
        const QVariant a = data(Qt::UserRole), b = other.data(Qt::UserRole);
        if (a.isValid() && b.isValid())
            return a.toDouble() < b.toDouble();
        if (a.isValid() != b.isValid())
            return b.isValid();
        return text() < other.text();
    }
};

// The fields of one line of the backend's CSV (quoted fields with "" for a quote).
QStringList csvFields(const QString& line) {
    QStringList fields;
    QString field;
    bool quoted = false;
    for (int i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields << field;
            field.clear();
        } else {
            field += c;
        }
    }
    fields << field;
    return fields;
}

QCheckBox* box(const QString& text, const char* name, bool checked) {
    auto* b = new QCheckBox(text);
    b->setObjectName(QString::fromLatin1(name));
    b->setChecked(checked);
    return b;
}

}  // namespace

StudyDialog::StudyDialog(StudyInputs inputs, QWidget* parent) : QDialog(parent), inputs_(std::move(inputs)) {
    setWindowTitle(tr("Study"));
    auto* variants = new QGroupBox(tr("Variants quantized from the FP32 model"));
    auto* form = new QVBoxLayout(variants);
    form->addWidget(new QLabel(tr("Calibration methods:")));
    auto* methods = new QHBoxLayout;
    methods->addWidget(minmax_ = box(tr("MinMax"), "minmax", true));
    methods->addWidget(entropy_ = box(tr("Entropy"), "entropy", false));
    methods->addWidget(percentile_ = box(tr("Percentile"), "percentile", false));
    form->addLayout(methods);
    form->addWidget(new QLabel(tr("Weights:")));
    auto* weights = new QHBoxLayout;
    weights->addWidget(perTensor_ = box(tr("Per-tensor"), "perTensor", true));
    weights->addWidget(perChannel_ = box(tr("Per-channel"), "perChannel", false));
    form->addLayout(weights);
    form->addWidget(new QLabel(tr("Calibration sizes (images, comma separated; \"all\" for the whole set of %n):", nullptr,
                                  static_cast<int>(inputs_.options.calibrationImages.size()))));
    sizes_ = new QLineEdit(QStringLiteral("all"));
    sizes_->setObjectName("sizes");
    form->addWidget(sizes_);
    form->addWidget(new QLabel(tr("Nodes kept float:")));
    exclusions_ = new QListWidget;
    exclusions_->setObjectName("exclusions");
    auto* none = new QListWidgetItem(tr("none (everything quantized)"), exclusions_);
    none->setFlags(none->flags() | Qt::ItemIsUserCheckable);
    none->setCheckState(Qt::Checked);
    for (const auto& [name, nodes] : inputs_.exclusionLists) {
        auto* item = new QListWidgetItem(
            tr("%1 (%n node(s))", nullptr, static_cast<int>(nodes.size())).arg(QString::fromStdString(name)), exclusions_);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    form->addWidget(exclusions_, 1);

    auto* others = new QGroupBox(tr("Other models to score"));
    auto* othersLayout = new QVBoxLayout(others);
    models_ = new QListWidget;
    models_->setObjectName("models");
    othersLayout->addWidget(models_);
    auto* modelButtons = new QHBoxLayout;
    auto* add = new QPushButton(tr("Add..."));
    auto* remove = new QPushButton(tr("Remove"));
    modelButtons->addWidget(add);
    modelButtons->addWidget(remove);
    modelButtons->addStretch();
    othersLayout->addLayout(modelButtons);
    connect(add, &QPushButton::clicked, this, [this] {
        for (const QString& f : QFileDialog::getOpenFileNames(this, tr("Models to Score"), QString(), tr("ONNX models (*.onnx)")))
            addOtherModel(f);
    });
    connect(remove, &QPushButton::clicked, this, [this] { delete models_->currentItem(); });

    run_ = new QPushButton(tr("Run Study"));
    run_->setObjectName("run");
    cancel_ = new QPushButton(tr("Cancel"));
    progress_ = new QProgressBar;
    progress_->setTextVisible(true);
    status_ = new QLabel(tr("Rows already computed for the same model, images and settings come from the study cache."));
    status_->setWordWrap(true);
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(variants, 3);
    leftLayout->addWidget(others, 1);
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(run_);
    runRow->addWidget(cancel_);
    leftLayout->addLayout(runRow);
    leftLayout->addWidget(progress_);
    leftLayout->addWidget(status_);

    table_ = new QTableWidget;
    table_->setObjectName("studyTable");
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    plot_ = new QLabel;
    plot_->setAlignment(Qt::AlignCenter);
    plot_->setMinimumHeight(200);
    open_ = new QPushButton(tr("Open as Quantized Model"));
    open_->setObjectName("openRow");
    exportCsv_ = new QPushButton(tr("Export CSV..."));
    exportMd_ = new QPushButton(tr("Export Markdown..."));
    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto* results = new QSplitter(Qt::Vertical);
    results->addWidget(table_);
    results->addWidget(plot_);
    rightLayout->addWidget(results, 1);
    auto* rowButtons = new QHBoxLayout;
    rowButtons->addWidget(open_);
    rowButtons->addStretch();
    rowButtons->addWidget(exportCsv_);
    rowButtons->addWidget(exportMd_);
    rightLayout->addLayout(rowButtons);

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(close);

    connect(run_, &QPushButton::clicked, this, &StudyDialog::start);
    connect(cancel_, &QPushButton::clicked, this, &StudyDialog::cancel);
    connect(open_, &QPushButton::clicked, this, &StudyDialog::openSelectedRow);
    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
        const int row = table_->currentRow();
        open_->setEnabled(result_ && row >= 0 && table_->item(row, 0) &&
                          table_->item(row, 0)->data(Qt::UserRole + 1).toString() != QLatin1String("baseline"));
    });
    connect(exportCsv_, &QPushButton::clicked, this, [this] { exportAs(QStringLiteral("csv")); });
    connect(exportMd_, &QPushButton::clicked, this, [this] { exportAs(QStringLiteral("md")); });
    setRunning(false);
    resize(1280, 760);
}

StudyDialog::~StudyDialog() {
    if (cancelFlag_)
        *cancelFlag_ = true;  // the worker stops at its next check; its result is dropped
}

void StudyDialog::addOtherModel(const QString& path) {
    if (!otherModels().contains(path))
        models_->addItem(path);
}

QStringList StudyDialog::otherModels() const {
    QStringList paths;
    for (int i = 0; i < models_->count(); ++i)
        paths << models_->item(i)->text();
    return paths;
}

std::vector<StudyVariant> StudyDialog::variants(QString* error) const {
    std::vector<CalibrationMethod> methods;
    if (minmax_->isChecked())
        methods.push_back(CalibrationMethod::MinMax);
    if (entropy_->isChecked())
        methods.push_back(CalibrationMethod::Entropy);
    if (percentile_->isChecked())
        methods.push_back(CalibrationMethod::Percentile);
    std::vector<bool> perChannel;
    if (perTensor_->isChecked())
        perChannel.push_back(false);
    if (perChannel_->isChecked())
        perChannel.push_back(true);
    std::vector<size_t> sizes;
    for (QString s : sizes_->text().split(',', Qt::SkipEmptyParts)) {
        s = s.trimmed();
        if (s.compare(QLatin1String("all"), Qt::CaseInsensitive) == 0) {
            sizes.push_back(0);
            continue;
        }
        bool ok = false;
        const int n = s.toInt(&ok);
        if (!ok || n <= 0) {
            if (error)
                *error = tr("Calibration size \"%1\" is not \"all\" or a positive whole number.").arg(s);
            return {};
        }
        sizes.push_back(static_cast<size_t>(n));
    }
    std::vector<std::pair<std::string, std::vector<std::string>>> lists;
    for (int i = 0; i < exclusions_->count(); ++i)
        if (exclusions_->item(i)->checkState() == Qt::Checked)
            lists.push_back(i == 0 ? std::pair<std::string, std::vector<std::string>>{} : inputs_.exclusionLists[i - 1]);
    std::vector<StudyVariant> out;
    for (const auto method : methods)
        for (const bool pc : perChannel)
            for (const size_t size : sizes)
                for (const auto& [name, nodes] : lists) {
                    StudyVariant v;
                    v.method = method;
                    v.perChannel = pc;
                    v.calibrationSize = size;
                    v.excludeName = name;
                    v.exclude = nodes;
                    out.push_back(std::move(v));
                }
    if (out.empty() && error && error->isEmpty() && otherModels().isEmpty())
        *error = tr("Tick at least one method, one kind of weights, one calibration size and one exclusion list, or add "
                    "another model.");
    return out;
}

void StudyDialog::setRunning(bool running) {
    running_ = running;
    run_->setEnabled(!running);
    cancel_->setEnabled(running);
    progress_->setVisible(running);
    open_->setEnabled(false);
    exportCsv_->setEnabled(!running && result_.has_value());
    exportMd_->setEnabled(!running && result_.has_value());
}

void StudyDialog::start() {
    if (running_)
        return;
    QString error;
    const std::vector<StudyVariant> variants = this->variants(&error);
    if (!error.isEmpty()) {
        status_->setText(error);
        emit finished();
        return;
    }
    std::vector<std::string> others;
    for (const QString& p : otherModels())
        others.push_back(p.toStdString());
    cancelFlag_ = std::make_shared<std::atomic<bool>>(false);
    struct Outcome {
        std::optional<StudyResult> result;
        QString error;
    };
    QPointer<StudyDialog> self(this);
    auto work = [fp32 = inputs_.fp32, data = inputs_.data, options = inputs_.options, variants, others,
                 cancel = cancelFlag_, self]() -> Outcome {
        TaskControl control;
        control.cancel = cancel.get();
        control.onProgress = [self](size_t done, size_t total, const std::string& what) {
            QMetaObject::invokeMethod(self, [self, done, total, what] {
                if (!self)
                    return;
                self->progress_->setRange(0, static_cast<int>(total));
                self->progress_->setValue(static_cast<int>(done));
                if (!what.empty())
                    self->status_->setText(QString::fromStdString(what));
            }, Qt::QueuedConnection);
        };
        auto result = runStudy(*fp32, others, variants, *data, options, control);
        if (!result)
            return {std::nullopt, QString::fromStdString(result.errorMessage())};
        return {std::move(result).value(), {}};
    };
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, cancel = cancelFlag_] {
        Outcome outcome = watcher->result();
        watcher->deleteLater();
        if (outcome.result) {
            result_ = std::move(outcome.result);
            showResult();
        } else {
            status_->setText(*cancel ? tr("Cancelled.") : outcome.error);
        }
        setRunning(false);
        emit finished();
    });
    status_->setText(tr("Running the study: %n variant(s), %1 other model(s)...", nullptr, static_cast<int>(variants.size()))
                         .arg(others.size()));
    progress_->setRange(0, 0);
    setRunning(true);
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

void StudyDialog::cancel() {
    if (cancelFlag_)
        *cancelFlag_ = true;
}

void StudyDialog::showResult() {
    const auto csv = studyTable(*result_, "csv");
    table_->setSortingEnabled(false);
    table_->clear();
    table_->setRowCount(0);
    if (!csv) {
        status_->setText(QString::fromStdString(csv.errorMessage()));
        return;
    }
    const QStringList lines = QString::fromStdString(*csv).split('\n', Qt::SkipEmptyParts);
    const QStringList header = csvFields(lines.value(0));
    table_->setColumnCount(header.size());
    table_->setHorizontalHeaderLabels(header);
    table_->setRowCount(lines.size() - 1);
    for (int r = 1; r < lines.size(); ++r) {
        const QStringList fields = csvFields(lines[r]);
        for (int c = 0; c < fields.size() && c < header.size(); ++c) {
            auto* cell = new StudyCell(fields[c]);
            if (c == 0 && r - 1 < static_cast<int>(result_->rows.size())) {
                const StudyRow& row = result_->rows[static_cast<size_t>(r - 1)];
                cell->setData(Qt::UserRole + 1, QString::fromStdString(row.kind));
                cell->setData(Qt::UserRole + 2, QString::fromStdString(row.model));
            }
            if (c == 1)
                cell->setToolTip(QString::fromStdString(result_->rows[static_cast<size_t>(r - 1)].model));
            table_->setItem(r - 1, c, cell);
        }
    }
    table_->setSortingEnabled(true);
    table_->sortByColumn(0, Qt::AscendingOrder);
    table_->resizeColumnsToContents();
    const auto png = studyParetoPng(*result_);
    QPixmap plot;
    if (!png.empty() && plot.loadFromData(png.data(), static_cast<uint>(png.size()), "PNG"))
        plot_->setPixmap(plot.scaled(QSize(900, 560).boundedTo(QSize(qMax(plot_->width(), 300), qMax(plot_->height(), 200))),
                                     Qt::KeepAspectRatio, Qt::SmoothTransformation));
    else
        plot_->setText(tr("No plot: a study of one row has nothing to compare."));
    QString text = tr("%n row(s) computed, %1 from the study cache; calibration ran on %2 image(s).", nullptr,
                      static_cast<int>(result_->computedRows))
                       .arg(result_->cachedRows)
                       .arg(result_->calibratedImages);
    for (const auto& w : result_->warnings)
        text += "\n" + QString::fromStdString(w);
    status_->setText(text);
}

bool StudyDialog::exportTable(const QString& path, const QString& format, QString* error) const {
    if (!result_) {
        *error = tr("There is no study to export.");
        return false;
    }
    auto table = studyTable(*result_, format.toStdString());
    if (!table) {
        *error = QString::fromStdString(table.errorMessage());
        return false;
    }
    std::vector<std::string> inputs;
    if (inputs_.fp32)
        inputs.push_back(inputs_.fp32->path());
    for (const auto& row : result_->rows)
        inputs.push_back(row.model);
    auto st = writeFileAtomically(path.toStdString(), *table, inputs);
    if (!st)
        *error = QString::fromStdString(st.errorMessage());
    return st.ok();
}

void StudyDialog::exportAs(const QString& format) {
    const bool md = format == QLatin1String("md");
    const QString path = QFileDialog::getSaveFileName(this, md ? tr("Export Study as Markdown") : tr("Export Study as CSV"),
                                                      md ? QStringLiteral("study.md") : QStringLiteral("study.csv"),
                                                      md ? tr("Markdown (*.md)") : tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportTable(path, format, &error))
        QMessageBox::warning(this, tr("Export Study"), error);
}

void StudyDialog::openSelectedRow() {
    const int row = table_->currentRow();
    if (row < 0 || !table_->item(row, 0))
        return;
    const QString model = table_->item(row, 0)->data(Qt::UserRole + 2).toString();
    if (!model.isEmpty() && QFileInfo::exists(model))
        emit openModelRequested(model);
    else
        status_->setText(tr("The model of this row is no longer on disk: %1").arg(model));
}

}  // namespace ql
