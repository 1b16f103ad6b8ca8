#include "ReportPdf.h"

#include <QBuffer>
#include <QImage>
#include <QPageSize>
#include <QPdfWriter>
#include <QTextDocument>
#include <QUrl>

#include "util/AtomicFile.h"

namespace ql {

Status writeReportPdf(const ReportContent& content, const std::string& path, const std::vector<std::string>& protectedInputs) {
    QTextDocument document;
    const QString prefix = QStringLiteral("quantlens-report-image-");
    const auto images = reportImages(content);
    for (size_t i = 0; i < images.size(); ++i)
        document.addResource(QTextDocument::ImageResource, QUrl(prefix + QString::number(i) + QStringLiteral(".png")),
                             QImage::fromData(images[i].data(), static_cast<int>(images[i].size()), "PNG"));
    document.setHtml(QString::fromStdString(renderHtml(content, prefix.toStdString())));

    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setResolution(96);
        writer.setTitle(QString::fromStdString(content.title));
        writer.setCreator(QStringLiteral("QuantLens"));
        document.print(&writer);
    }
    const QByteArray bytes = buffer.data();
    if (bytes.isEmpty())
        return Error{"cannot render the PDF report"};
    return writeFileAtomically(path, std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())), protectedInputs);
}

}  // namespace ql
