// The filesystem store's log format (described in filesystem_store.hpp):
// constants, the record writer and the body parser. Pure functions over
// bytes, so the fuzz target and the tests reach them without a disk.
#ifndef E2EKIT_STORAGE_DETAIL_LOG_FORMAT_HPP
#define E2EKIT_STORAGE_DETAIL_LOG_FORMAT_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/detail/crc32c.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace e2ekit::storage::detail::log {

inline constexpr byte_array<8> file_magic = {'e', '2', 'e', 'k', 'i', 't', 'K', 'V'};
inline constexpr std::uint32_t format_version = 1;
inline constexpr std::size_t file_header_size = 16;
inline constexpr std::uint32_t record_magic = 0x4B565231; // "KVR1"
inline constexpr std::size_t record_header_size = 16;
inline constexpr std::size_t op_header_size = 12;
/// No record this code writes is larger: a batch within limits, plus a
/// header per operation (every operation holds at least two name bytes).
inline constexpr std::size_t max_body_size =
    4 + limits::max_batch_size + op_header_size * (limits::max_batch_size / 2);
static_assert(max_body_size < 0xFFFFFFFFu, "record lengths are 32-bit");

/// Bytes an entry occupies in the log: what compaction must keep for it.
constexpr std::uint64_t footprint(std::size_t ns, std::size_t key, std::size_t value) noexcept {
    return op_header_size + ns + key + value;
}

inline byte_array<file_header_size> file_header() noexcept {
    byte_array<file_header_size> h{};
    for (std::size_t i = 0; i < file_magic.size(); ++i)
        h[i] = file_magic[i];
    store_be<std::uint32_t>(mutable_fixed_view<4>(h.data() + 8, 4), format_version);
    store_be<std::uint32_t>(mutable_fixed_view<4>(h.data() + 12, 4),
                            crc32c(bytes_view(h.data(), 12)));
    return h;
}

enum class header_check { ok, bad, unsupported };

inline header_check check_file_header(bytes_view h) noexcept {
    if (h.size() < file_header_size) return header_check::bad;
    for (std::size_t i = 0; i < file_magic.size(); ++i)
        if (h[i] != file_magic[i]) return header_check::bad;
    if (load_be<std::uint32_t>(fixed_view<4>(h.data() + 12, 4)) != crc32c(bytes_view(h.data(), 12)))
        return header_check::bad;
    if (load_be<std::uint32_t>(fixed_view<4>(h.data() + 8, 4)) != format_version)
        return header_check::unsupported;
    return header_check::ok;
}

struct record_header {
    std::uint32_t body_size;
    std::uint32_t body_crc;
};

/// A record header whose magic and own checksum hold, or nothing.
inline bool parse_record_header(bytes_view h, record_header& out) noexcept {
    if (h.size() < record_header_size) return false;
    if (load_be<std::uint32_t>(fixed_view<4>(h.data(), 4)) != record_magic) return false;
    if (load_be<std::uint32_t>(fixed_view<4>(h.data() + 12, 4)) != crc32c(bytes_view(h.data(), 12)))
        return false;
    out.body_size = load_be<std::uint32_t>(fixed_view<4>(h.data() + 4, 4));
    out.body_crc = load_be<std::uint32_t>(fixed_view<4>(h.data() + 8, 4));
    return true;
}

/// Builds one record in wiped memory: header, operation count, operations.
/// Give the expected size (`record_size`) to write it without reallocating.
class record_writer {
public:
    explicit record_writer(std::size_t capacity = 0) {
        buf_.resize(std::max(capacity, record_header_size + 4));
        clear();
    }

    /// A record's size for operations whose footprints add up to `ops`.
    static constexpr std::size_t record_size(std::size_t ops) noexcept {
        return record_header_size + 4 + ops;
    }

    /// Appends an operation; returns where its value starts, counted from
    /// the start of the record.
    std::size_t add(batch::op_kind kind, std::string_view ns, std::string_view key,
                    bytes_view value, std::uint32_t value_crc) {
        byte* h = reserve(op_header_size + ns.size() + key.size() + value.size());
        h[0] = static_cast<byte>(kind);
        h[1] = static_cast<byte>(ns.size());
        store_be<std::uint16_t>(mutable_fixed_view<2>(h + 2, 2),
                                static_cast<std::uint16_t>(key.size()));
        store_be<std::uint32_t>(mutable_fixed_view<4>(h + 4, 4),
                                static_cast<std::uint32_t>(value.size()));
        store_be<std::uint32_t>(mutable_fixed_view<4>(h + 8, 4), value_crc);
        byte* p = h + op_header_size;
        if (!ns.empty()) std::memcpy(p, ns.data(), ns.size());
        p += ns.size();
        if (!key.empty()) std::memcpy(p, key.data(), key.size());
        p += key.size();
        if (!value.empty()) std::memcpy(p, value.data(), value.size());
        ++count_;
        return static_cast<std::size_t>(p - buf_.data());
    }

    /// Fills in the header; the record is then `view()`.
    void finish() noexcept {
        byte* p = buf_.data();
        store_be<std::uint32_t>(mutable_fixed_view<4>(p + record_header_size, 4), count_);
        const bytes_view body(p + record_header_size, used_ - record_header_size);
        store_be<std::uint32_t>(mutable_fixed_view<4>(p, 4), record_magic);
        store_be<std::uint32_t>(mutable_fixed_view<4>(p + 4, 4),
                                static_cast<std::uint32_t>(body.size()));
        store_be<std::uint32_t>(mutable_fixed_view<4>(p + 8, 4), crc32c(body));
        store_be<std::uint32_t>(mutable_fixed_view<4>(p + 12, 4), crc32c(bytes_view(p, 12)));
    }

    /// Empties the record, keeping (and wiping) the memory.
    void clear() noexcept {
        ct::wipe(buf_.data(), used_);
        used_ = record_header_size + 4;
        count_ = 0;
    }

    bytes_view view() const noexcept { return {buf_.data(), used_}; }
    std::size_t size() const noexcept { return used_; }
    std::uint32_t count() const noexcept { return count_; }

private:
    byte* reserve(std::size_t n) {
        if (buf_.size() - used_ < n)
            buf_.resize(std::max(used_ + n, 2 * buf_.size())); // the old block is wiped
        byte* p = buf_.data() + used_;
        used_ += n;
        return p;
    }

    secret_bytes buf_;
    std::size_t used_ = 0;
    std::uint32_t count_ = 0;
};

/// One operation as found in a record body.
struct parsed_op {
    batch::op_kind kind;
    std::string_view ns;
    std::string_view key;
    std::size_t value_offset; ///< from the start of the body
    std::uint32_t value_size;
    std::uint32_t value_crc;
};

/// Walks a record body (already checked against its CRC) and calls
/// `on_op(parsed_op)` for each operation. False, having called on_op for a
/// prefix only, when the body is not one this code would write: the caller
/// then treats the store as corrupt.
template <class F>
bool parse_body(bytes_view body, F&& on_op) {
    if (body.size() < 4) return false;
    const std::uint32_t count = load_be<std::uint32_t>(fixed_view<4>(body.data(), 4));
    std::size_t at = 4;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (body.size() - at < op_header_size) return false;
        const byte* h = body.data() + at;
        const auto kind = static_cast<batch::op_kind>(h[0]);
        const std::size_t ns_size = h[1];
        const std::size_t key_size = load_be<std::uint16_t>(fixed_view<2>(h + 2, 2));
        const std::uint32_t value_size = load_be<std::uint32_t>(fixed_view<4>(h + 4, 4));
        const std::uint32_t value_crc = load_be<std::uint32_t>(fixed_view<4>(h + 8, 4));
        at += op_header_size;
        if (kind != batch::op_kind::put && kind != batch::op_kind::erase) return false;
        if (kind == batch::op_kind::erase && (value_size != 0 || value_crc != 0)) return false;
        if (value_size > limits::max_value_size) return false;
        if (body.size() - at < ns_size + key_size + std::size_t{value_size}) return false;
        const std::string_view ns = as_chars(body.subspan(at, ns_size));
        const std::string_view key = as_chars(body.subspan(at + ns_size, key_size));
        if (!valid_name(ns, limits::max_namespace_size) || !valid_name(key, limits::max_key_size))
            return false;
        at += ns_size + key_size;
        on_op(parsed_op{kind, ns, key, at, value_size, value_crc});
        at += value_size;
    }
    return at == body.size();
}

} // namespace e2ekit::storage::detail::log

#endif
