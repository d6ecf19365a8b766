// result<T>: a value or a std::error_code, shaped like C++23's
// std::expected<T, std::error_code> so it can become one. Everything parsed
// from the wire or from storage returns one; exceptions are for misuse only
// (value() on an error throws bad_result_access).
#ifndef E2EKIT_CORE_RESULT_HPP
#define E2EKIT_CORE_RESULT_HPP

#include <e2ekit/core/error.hpp>

#include <cassert>
#include <exception>
#include <new>
#include <system_error>
#include <type_traits>
#include <utility>

namespace e2ekit {

/// Thrown by result<T>::value() on an error: a caller that did not check.
class bad_result_access : public std::exception {
public:
    explicit bad_result_access(std::error_code ec) : ec_(ec) {}
    const char* what() const noexcept override { return "e2ekit: value() on an error result"; }
    std::error_code error() const noexcept { return ec_; }

private:
    std::error_code ec_;
};

/// Wraps an error for construction, like std::unexpected.
struct failure {
    std::error_code code;
    template <class E>
    requires std::is_error_code_enum_v<E> failure(E e)
        : code(make_error_code(e)) {}         // NOLINT: implicit by design
    failure(std::error_code ec) : code(ec) {} // NOLINT
};

template <class T>
class [[nodiscard]] result {
    static_assert(!std::is_reference_v<T>, "result<T&> is not supported");

public:
    using value_type = T;
    using error_type = std::error_code;

    result(const T& v) requires std::is_copy_constructible_v<T> : ok_(true) { ::new (&v_) T(v); }
    result(T&& v) : ok_(true) { ::new (&v_) T(std::move(v)); }
    template <class... A>
    explicit result(std::in_place_t, A&&... a) : ok_(true) {
        ::new (&v_) T(std::forward<A>(a)...);
    }
    result(failure f) : ok_(false) { ::new (&e_) std::error_code(f.code); }
    result(std::error_code ec) : ok_(false) { ::new (&e_) std::error_code(ec); }
    template <class E>
    requires std::is_error_code_enum_v<E> result(E e) : result(make_error_code(e)) {}

    result(const result& o) requires std::is_copy_constructible_v<T> : ok_(o.ok_) {
        if (ok_)
            ::new (&v_) T(o.v_);
        else
            ::new (&e_) std::error_code(o.e_);
    }
    result(result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) : ok_(o.ok_) {
        if (ok_)
            ::new (&v_) T(std::move(o.v_));
        else
            ::new (&e_) std::error_code(o.e_);
    }
    result& operator=(const result& o) requires std::is_copy_constructible_v<T> {
        if (this != &o) {
            destroy();
            ok_ = o.ok_;
            if (ok_)
                ::new (&v_) T(o.v_);
            else
                ::new (&e_) std::error_code(o.e_);
        }
        return *this;
    }
    result& operator=(result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) {
        if (this != &o) {
            destroy();
            ok_ = o.ok_;
            if (ok_)
                ::new (&v_) T(std::move(o.v_));
            else
                ::new (&e_) std::error_code(o.e_);
        }
        return *this;
    }
    ~result() { destroy(); }

    bool has_value() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }

    T& operator*() & noexcept { return assert(ok_), v_; }
    const T& operator*() const& noexcept { return assert(ok_), v_; }
    T&& operator*() && noexcept { return assert(ok_), std::move(v_); }
    T* operator->() noexcept { return assert(ok_), &v_; }
    const T* operator->() const noexcept { return assert(ok_), &v_; }

    T& value() & { return check(), v_; }
    const T& value() const& { return check(), v_; }
    /// By value: `for (auto& x : f().value())` then iterates a live object
    /// (a reference into the temporary result would dangle).
    T value() && { return check(), std::move(v_); }

    std::error_code error() const noexcept { return ok_ ? std::error_code{} : e_; }

    /// Applies f to the value, or passes the error through.
    template <class F>
    auto and_then(F&& f) && -> std::invoke_result_t<F, T&&> {
        if (!ok_) return e_;
        return std::forward<F>(f)(std::move(v_));
    }

private:
    void check() const {
        if (!ok_) throw bad_result_access(e_);
    }
    void destroy() noexcept {
        if (ok_)
            v_.~T();
        else
            e_.~error_code();
    }

    union {
        T v_;
        std::error_code e_;
    };
    bool ok_;
};

template <>
class [[nodiscard]] result<void> {
public:
    using value_type = void;
    using error_type = std::error_code;

    result() = default;
    result(failure f) : e_(f.code) {}
    result(std::error_code ec) : e_(ec) {}
    template <class E>
    requires std::is_error_code_enum_v<E> result(E e) : e_(make_error_code(e)) {}

    bool has_value() const noexcept { return !e_; }
    explicit operator bool() const noexcept { return !e_; }
    void value() const {
        if (e_) throw bad_result_access(e_);
    }
    std::error_code error() const noexcept { return e_; }

private:
    std::error_code e_;
};

/// The success value for result<void>.
inline result<void> ok() {
    return {};
}

} // namespace e2ekit

/// Evaluates a result-returning expression; returns its error from the
/// enclosing function, or binds the value to `var`.
#define E2EKIT_TRY(var, expr)                                                                      \
    auto var##_result_ = (expr);                                                                   \
    if (!var##_result_) return var##_result_.error();                                              \
    auto var = std::move(*var##_result_)

/// As E2EKIT_TRY for result<void>.
#define E2EKIT_CHECK(expr)                                                                         \
    do {                                                                                           \
        if (auto e2ekit_check_ = (expr); !e2ekit_check_) return e2ekit_check_.error();             \
    } while (0)

#endif
