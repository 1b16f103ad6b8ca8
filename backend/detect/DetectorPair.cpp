#include "detect/DetectorPair.h"

#include "detect/DetectionSanity.h"

namespace ql {

Result<DetectorPair> DetectorPair::create(const OnnxModel& fp32, const OnnxModel& quantized, const DetectorOptions& options,
                                          std::vector<std::string> classNames) {
    auto f = Detector::create(fp32, options);
    if (!f)
        return f.error();
    auto q = Detector::create(quantized, options);
    if (!q)
        return q.error();
    return DetectorPair(std::move(f).value(), std::move(q).value(), std::move(classNames));
}

Result<DetectorPair::Compared> DetectorPair::compare(const std::string& imagePath, int timedRuns) {
    auto bgr = readImageBgr(imagePath);
    if (!bgr)
        return bgr.error();
    auto c = compare(*bgr, timedRuns);
    if (!c)
        return Error{imagePath + ": " + c.errorMessage()};
    return Compared{std::move(bgr).value(), std::move(c).value()};
}

Result<DetectionComparison> DetectorPair::compare(const cv::Mat& bgr, int timedRuns) {
    if (!warm_) {  // or the first image's latencies would be twice the others'
        if (auto image = fp32_.preprocessor().prepare(bgr)) {
            (void)fp32_.warmUp(*image);
            (void)quantized_.warmUp(*image);
        }
        warm_ = true;
    }
    auto c = compareDetections(fp32_, quantized_, bgr, timedRuns);
    if (c)
        fp32Counts_.push_back(countAbove(c->fp32, fp32_.decodeOptions().confidence));
    return c;
}

std::vector<std::string> DetectorPair::warnings(bool preprocessChosen) const {
    const DecodeOptions& decode = fp32_.decodeOptions();
    return detectionWarnings({fp32Counts_, decode.confidence, decode.maxDetections, fp32_.layout(), preprocessChosen});
}

}  // namespace ql
