// Errors as values at the backend boundary: a function that reads user input returns either its
// value or an Error whose message a person understands (which file, which node, what is wrong).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace ql {

struct Error {
    std::string message;
    bool cancelled = false;  // the work stopped because it was asked to (TaskControl), not because it failed
};

// What long work returns when its TaskControl asked it to stop: callers tell it from a failure by
// the kind (Result::cancelled()), never by the text.
inline Error cancelledError() { return Error{"cancelled", true}; }

// Thrown only inside the backend, for deep helpers; the public entry points catch it and return
// it as an Error, so no exception reaches the CLI or a Qt event handler.
class ErrorException : public std::runtime_error {
public:
    explicit ErrorException(const std::string& message) : std::runtime_error(message) {}
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}
    Result(Error error) : state_(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }

    T& value() & { return checkedValue(); }
    const T& value() const& { return const_cast<Result*>(this)->checkedValue(); }
    T&& value() && { return std::move(checkedValue()); }
    T* operator->() { return &checkedValue(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return checkedValue(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<Error>(state_); }
    const std::string& errorMessage() const { return error().message; }
    bool cancelled() const { return !ok() && error().cancelled; }

private:
    T& checkedValue() {
        if (!ok())
            throw std::logic_error("Result::value() on an error: " + std::get<Error>(state_).message);
        return std::get<T>(state_);
    }
    std::variant<T, Error> state_;
};

// For operations that succeed with nothing to return.
struct Ok {};
using Status = Result<Ok>;

// Runs `body` and turns an ErrorException (or a std::exception from a library) into an Error
// prefixed with `context`.
template <typename F>
auto catchErrors(const std::string& context, F&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const ErrorException& e) {
        return Error{context.empty() ? e.what() : context + ": " + e.what()};
    } catch (const std::bad_alloc&) {
        return Error{context + ": out of memory"};
    } catch (const std::exception& e) {
        return Error{context.empty() ? e.what() : context + ": " + e.what()};
    }
}

}  // namespace ql
