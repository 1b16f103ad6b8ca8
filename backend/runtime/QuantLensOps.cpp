#include "runtime/QuantLensOps.h"

#include <onnxruntime_cxx_api.h>

#include "runtime/FakeQuantOp.h"
#include "runtime/MinMaxOp.h"

namespace ql {

void registerQuantLensOps(Ort::SessionOptions& options) {
    // ONNX Runtime keeps pointers to the domain and its operators for as long as any session
    // lives: process lifetime.
    static Ort::CustomOpDomain domain = [] {
        Ort::CustomOpDomain d(kQuantLensDomain);
        d.Add(minMaxOp());
        d.Add(fakeQuantOp());
        return d;
    }();
    options.Add(domain);
}

}  // namespace ql
