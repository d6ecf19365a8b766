// filesystem_store: the default store. One directory, one append-only log;
// every commit is atomic and durable, and costs one write and one
// fdatasync however many keys it sets.
//
// Why a log and not a file per key: a batch of N keys written as N files
// needs a journal and N+2 fsyncs to be atomic; appended as one checksummed
// record it needs one fsync, and the record is its own journal (it is
// either wholly there, or a torn tail that never committed).
//
// Files in the directory (created 0700, files 0600: they hold secrets)
//
//   e2ekit.lock      flock()ed for as long as a handle is open: a second
//                    handle, in this process or another, gets `conflict`
//   e2ekit.log       the log (below)
//   e2ekit.log.tmp   a compaction or creation in progress; removed on open
//
// The log (all integers big-endian; CRC-32C as in RFC 3720 §12.1)
//
//   file    := file_header record*
//   file_header (16)  := "e2ekitKV" | version:u32 = 1 | crc(previous 12):u32
//   record  := magic:u32 "KVR1" | body_size:u32 | crc(body):u32
//              | crc(previous 12):u32 | body
//   body    := count:u32 | op{count}
//   op      := kind:u8 (1 put, 2 erase) | ns_size:u8 | key_size:u16
//              | value_size:u32 | crc(value):u32 | ns | key | value
//
// Replaying the records in order gives the store's contents; an index of
// (namespace, key) -> value position is kept in memory, values are not:
// `get` reads them from the file (pread) and checks their own CRC, so a
// secret lives in process memory only while a caller holds it.
//
// Commit: the batch becomes one record, written at the end of the log
// with pwrite, then fdatasync (which also makes the new file size durable).
// The commit point is the fdatasync returning. If the write or the sync
// fails, the file is truncated back and synced: the store reads exactly as
// before and the commit returns `io_error`. If that truncation fails too,
// the commit returns `outcome_unknown` and the handle refuses further
// commits (`unavailable`): the record may be whole on disk (the write went
// through, only the sync failed), and the next open keeps it if it is
// intact or drops it if it is not; never a part of it.
//
// Open: the log is read through; a record that fails its checks is
//   - a torn tail, dropped (the file is truncated before it), when it
//     reaches the end of the file or when no intact record follows it: a
//     commit that was interrupted before its fdatasync returned;
//   - corruption (`corrupt`, and the store does not open) when an intact
//     record follows it, since every record before the last was synced
//     before the next one was written.
// A header that is not ours, or a body that passes its CRC but does not
// parse, is `corrupt`; a newer format version is `unsupported`.
//
// Compaction: when the log exceeds `compact_min_bytes` and holds more than
// `compact_ratio` times the bytes its live entries need, the live entries
// are written to e2ekit.log.tmp, which is synced, renamed over e2ekit.log
// and the directory synced. A crash before the rename leaves the old log
// (and a temporary file the next open removes); after it, the new one.
// Either holds the same entries. Compaction runs at the end of a commit
// that made the log large enough, so that commit takes longer; its failure
// does not fail the commit (the commit was durable before it began).
//
// Thread safety: any number of threads may share a handle. Reads share an
// index lock; commits are serialised and hold the index lock alone only to
// apply their changes, so reads proceed during the write and the sync.
//
// Limits: `storage::limits` (names, values, batches). The directory's
// parent must exist. Linux semantics are assumed for fdatasync (on macOS,
// durability against power loss would need F_FULLFSYNC).
#ifndef E2EKIT_STORAGE_FILESYSTEM_STORE_HPP
#define E2EKIT_STORAGE_FILESYSTEM_STORE_HPP

#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>
#include <e2ekit/storage/detail/namespaced_map.hpp>
#include <e2ekit/storage/error.hpp>
#include <e2ekit/storage/file_io.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace e2ekit::storage {

struct filesystem_options {
    /// Create the directory and an empty log when they are missing;
    /// otherwise a missing log is `not_found`.
    bool create_if_missing = true;
    /// A log smaller than this is never compacted.
    std::uint64_t compact_min_bytes = std::uint64_t{4} << 20;
    /// Compact when the log is more than this many times its live bytes.
    std::uint64_t compact_ratio = 2;
};

/// What a handle knows about its log, for tests and monitoring.
struct filesystem_stats {
    std::uint64_t log_bytes;  ///< size of e2ekit.log
    std::uint64_t live_bytes; ///< what compaction would keep
    std::size_t entries;      ///< keys over all namespaces
    std::uint64_t compactions;
};

template <file_io Io = posix_file_io>
class basic_filesystem_store {
public:
    using store_concept = store_tag;

    /// Opens (by default creating) the store in `dir`, replaying its log.
    static result<basic_filesystem_store> open(const std::filesystem::path& dir,
                                               filesystem_options options = {});

    basic_filesystem_store(basic_filesystem_store&&) noexcept = default;
    basic_filesystem_store& operator=(basic_filesystem_store&&) noexcept = default;
    ~basic_filesystem_store() = default;

    result<secret_bytes> get(std::string_view ns, std::string_view key) const;
    result<bool> contains(std::string_view ns, std::string_view key) const;
    result<std::vector<std::string>> list(std::string_view ns, std::string_view prefix) const;
    result<void> commit(const batch& b);

    /// Rewrites the log with the live entries only, now.
    result<void> compact();

    filesystem_stats stats() const;

private:
    struct state;
    explicit basic_filesystem_store(std::unique_ptr<state> s) noexcept;
    std::unique_ptr<state> s_;
};

using filesystem_store = basic_filesystem_store<>;
static_assert(store<filesystem_store>);

} // namespace e2ekit::storage

#include <e2ekit/storage/impl/filesystem_store.hpp>

#endif
