// Errors: one std::error_code enum per layer, all mapped onto the broad
// `e2ekit::condition`s, so callers can branch on "was it bad input?" without
// knowing which layer spoke. Messages are fixed strings: no error ever
// carries data from the input or a secret.
#ifndef E2EKIT_CORE_ERROR_HPP
#define E2EKIT_CORE_ERROR_HPP

#include <string>
#include <system_error>
#include <type_traits>

namespace e2ekit {

/// The broad classes every layer's error codes fall into.
enum class condition {
    malformed_input = 1,   ///< could not be parsed: truncated, oversized, non-canonical
    authentication_failed, ///< MAC, tag or signature did not verify (always opaque)
    invalid_key,           ///< a key is of the wrong size, form or order
    not_found,             ///< the key, session or record does not exist
    conflict,              ///< the operation clashes with the current state (replay, duplicate)
    limit_exceeded,        ///< a bound was hit (skipped keys, sizes)
    unsupported,           ///< a version, algorithm or feature is not implemented
    io_failure,            ///< the environment failed (disk, network)
    untrusted,             ///< a peer's key is not trusted (a trust decision, not an attack)
};

/// Specialise for each layer's error enum: `name`, `message(E)` and
/// `condition_of(E)`. `E2EKIT_ERROR_ENUM` below writes the std glue.
template <class E>
struct error_enum_traits;

namespace detail {

class condition_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "e2ekit"; }
    std::string message(int c) const override {
        switch (static_cast<condition>(c)) {
        case condition::malformed_input: return "malformed input";
        case condition::authentication_failed: return "authentication failed";
        case condition::invalid_key: return "invalid key";
        case condition::not_found: return "not found";
        case condition::conflict: return "conflicts with the current state";
        case condition::limit_exceeded: return "limit exceeded";
        case condition::unsupported: return "unsupported";
        case condition::io_failure: return "I/O failure";
        case condition::untrusted: return "untrusted";
        }
        return "unknown condition";
    }
};

template <class E>
class enum_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return error_enum_traits<E>::name; }
    std::string message(int c) const override {
        return error_enum_traits<E>::message(static_cast<E>(c));
    }
    std::error_condition default_error_condition(int c) const noexcept override;
};

} // namespace detail

inline const std::error_category& condition_category() noexcept {
    static const detail::condition_category_impl cat;
    return cat;
}

inline std::error_condition make_error_condition(condition c) noexcept {
    return {static_cast<int>(c), condition_category()};
}

template <class E>
const std::error_category& category_of() noexcept {
    static const detail::enum_category_impl<E> cat;
    return cat;
}

template <class E>
std::error_condition detail::enum_category_impl<E>::default_error_condition(int c) const noexcept {
    return make_error_condition(error_enum_traits<E>::condition_of(static_cast<E>(c)));
}

} // namespace e2ekit

template <>
struct std::is_error_condition_enum<e2ekit::condition> : std::true_type {};

/// Declares `make_error_code` for an enum in the current namespace; pair it
/// with `E2EKIT_ERROR_ENUM_STD(qualified::enum)` at global scope.
#define E2EKIT_ERROR_ENUM(E)                                                                       \
    inline std::error_code make_error_code(E e) noexcept {                                         \
        return {static_cast<int>(e), ::e2ekit::category_of<E>()};                                  \
    }

#define E2EKIT_ERROR_ENUM_STD(QE)                                                                  \
    template <>                                                                                    \
    struct std::is_error_code_enum<QE> : std::true_type {};

#endif
