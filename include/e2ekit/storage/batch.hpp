// A batch: the unit of change of every store. It collects puts and erases
// across namespaces; `commit(batch)` applies all of them or none, durably,
// in one step. That is how a protocol keeps "commits come before plaintext"
// cheap: decrypting a backlog of N messages adds N states to one batch and
// pays for one commit (DESIGN.md, "Durable and fast: commit in batches").
//
// Operations apply in the order they were added, so a later put or erase of
// the same namespace and key wins. Values are copied into wiped storage as
// they are added; the caller keeps (and wipes) its own copy.
#ifndef E2EKIT_STORAGE_BATCH_HPP
#define E2EKIT_STORAGE_BATCH_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/storage/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace e2ekit::storage {

/// What every store accepts. The sizes are the on-disk format's (a name
/// length is a 16-bit field) and bound what one commit can cost.
struct limits {
    static constexpr std::size_t max_namespace_size = 255;
    static constexpr std::size_t max_key_size = 1024;
    static constexpr std::size_t max_value_size = std::size_t{16} << 20;
    /// Names and values of one batch together.
    static constexpr std::size_t max_batch_size = std::size_t{256} << 20;
};

/// A namespace or key name: 1..max bytes, no NUL (names become C strings in
/// some back ends, and an embedded NUL would make two names one).
constexpr bool valid_name(std::string_view name, std::size_t max) noexcept {
    if (name.empty() || name.size() > max) return false;
    for (char c : name)
        if (c == '\0') return false;
    return true;
}

inline result<void> check_namespace(std::string_view ns) {
    if (!valid_name(ns, limits::max_namespace_size)) return storage_error::invalid_key;
    return ok();
}

inline result<void> check_key(std::string_view key) {
    if (!valid_name(key, limits::max_key_size)) return storage_error::invalid_key;
    return ok();
}

/// Both names of an entry, checked.
inline result<void> check_names(std::string_view ns, std::string_view key) {
    E2EKIT_CHECK(check_namespace(ns));
    return check_key(key);
}

class batch {
public:
    enum class op_kind : std::uint8_t { put = 1, erase = 2 };

    struct op {
        op_kind kind;
        std::string ns;
        std::string key;
        secret_bytes value; ///< empty for an erase
    };

    batch() = default;
    batch(const batch&) = delete;
    batch& operator=(const batch&) = delete;
    batch(batch&&) noexcept = default;
    batch& operator=(batch&&) noexcept = default;
    ~batch() = default;

    /// Sets `key` in `ns` to a copy of `value`.
    batch& put(std::string_view ns, std::string_view key, bytes_view value) {
        return put(ns, key, secret_bytes(value));
    }
    /// Sets `key` in `ns`, taking the secret over.
    batch& put(std::string_view ns, std::string_view key, secret_bytes&& value) {
        bytes_ += ns.size() + key.size() + value.size();
        ops_.push_back(op{op_kind::put, std::string(ns), std::string(key), std::move(value)});
        return *this;
    }
    /// Removes `key` from `ns`; erasing an absent key is not an error.
    batch& erase(std::string_view ns, std::string_view key) {
        bytes_ += ns.size() + key.size();
        ops_.push_back(op{op_kind::erase, std::string(ns), std::string(key), {}});
        return *this;
    }
    /// Moves the operations of `other` after this batch's own.
    batch& append(batch&& other) {
        if (ops_.empty()) {
            ops_ = std::move(other.ops_);
        } else {
            ops_.reserve(ops_.size() + other.ops_.size());
            for (auto& o : other.ops_)
                ops_.push_back(std::move(o));
        }
        bytes_ += other.bytes_;
        other.clear();
        return *this;
    }

    batch clone() const {
        batch out;
        out.ops_.reserve(ops_.size());
        for (const auto& o : ops_)
            out.ops_.push_back(op{o.kind, o.ns, o.key, o.value.clone()});
        out.bytes_ = bytes_;
        return out;
    }

    void clear() noexcept {
        ops_.clear();
        bytes_ = 0;
    }
    bool empty() const noexcept { return ops_.empty(); }
    std::size_t size() const noexcept { return ops_.size(); }
    /// Bytes of names and values, the measure `limits::max_batch_size` bounds.
    std::size_t payload_size() const noexcept { return bytes_; }

    auto begin() const noexcept { return ops_.begin(); }
    auto end() const noexcept { return ops_.end(); }
    /// Hands the operations over (a store's commit of an rvalue batch moves
    /// the values instead of copying them) and leaves the batch empty.
    std::vector<op> release() && noexcept {
        bytes_ = 0;
        return std::move(ops_);
    }

    /// Every name valid and every size within `limits`. Stores call this
    /// before they touch anything, so a bad batch changes nothing.
    result<void> check() const {
        if (bytes_ > limits::max_batch_size) return storage_error::too_large;
        for (const auto& o : ops_) {
            E2EKIT_CHECK(check_names(o.ns, o.key));
            if (o.value.size() > limits::max_value_size) return storage_error::too_large;
        }
        return ok();
    }

private:
    std::vector<op> ops_;
    std::size_t bytes_ = 0;
};

} // namespace e2ekit::storage

#endif
