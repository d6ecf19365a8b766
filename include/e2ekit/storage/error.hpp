// Errors of the storage layer. A store reports what went wrong with the
// request (a name it cannot hold, a value over the limit), with the medium
// (I/O, a file that fails its checksum) or with another user of the store;
// never what a value contained.
#ifndef E2EKIT_STORAGE_ERROR_HPP
#define E2EKIT_STORAGE_ERROR_HPP

#include <e2ekit/core/error.hpp>

namespace e2ekit::storage {

enum class storage_error {
    not_found = 1, ///< no value under that namespace and key
    corrupt,       ///< stored data fails its length or checksum test
    io_error,      ///< the operating system refused a read, write, sync or rename
    conflict,      ///< the store is held by another process or handle
    too_large,     ///< a value or a batch exceeds the store's limits
    invalid_key,   ///< a namespace or key name the store cannot hold (empty, too long, NUL)
    unsupported,   ///< the on-disk format is of a version this code does not read
    unavailable,   ///< an earlier failure left this handle unusable for writes: reopen it
    /// A commit failed and could not be undone (the disk refused the
    /// roll-back too): it holds wholly or not at all, which only reopening
    /// the store tells. Treat it as a failure that may yet have landed.
    outcome_unknown,
};
E2EKIT_ERROR_ENUM(storage_error)

} // namespace e2ekit::storage

E2EKIT_ERROR_ENUM_STD(e2ekit::storage::storage_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::storage::storage_error> {
    using E = e2ekit::storage::storage_error;
    static constexpr const char* name = "e2ekit.storage";
    static std::string message(E e) {
        switch (e) {
        case E::not_found: return "not found in the store";
        case E::corrupt: return "stored data is corrupt";
        case E::io_error: return "storage I/O error";
        case E::conflict: return "store is in use by another handle";
        case E::too_large: return "value or batch too large for the store";
        case E::invalid_key: return "invalid namespace or key name";
        case E::unsupported: return "unsupported storage format version";
        case E::unavailable: return "store unavailable after an earlier failure";
        case E::outcome_unknown: return "commit failed and could not be rolled back";
        }
        return "unknown storage error";
    }
    // A bad name is malformed input, not `condition::invalid_key`: that
    // condition means cryptographic key material of the wrong form.
    static condition condition_of(E e) {
        switch (e) {
        case E::not_found: return condition::not_found;
        case E::corrupt: return condition::malformed_input;
        case E::io_error: return condition::io_failure;
        case E::conflict: return condition::conflict;
        case E::too_large: return condition::limit_exceeded;
        case E::invalid_key: return condition::malformed_input;
        case E::unsupported: return condition::unsupported;
        case E::unavailable: return condition::io_failure;
        case E::outcome_unknown: return condition::io_failure;
        }
        return condition::io_failure;
    }
};

#endif
