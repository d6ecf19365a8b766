// Bodies of basic_filesystem_store; the format and the reasoning are in
// filesystem_store.hpp.
#ifndef E2EKIT_STORAGE_IMPL_FILESYSTEM_STORE_HPP
#define E2EKIT_STORAGE_IMPL_FILESYSTEM_STORE_HPP

#include <e2ekit/storage/detail/crc32c.hpp>
#include <e2ekit/storage/detail/log_format.hpp>
#include <e2ekit/storage/filesystem_store.hpp>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <utility>

namespace e2ekit::storage {
namespace detail {

inline constexpr const char* fs_lock_name = "e2ekit.lock";
inline constexpr const char* fs_log_name = "e2ekit.log";
inline constexpr const char* fs_tmp_name = "e2ekit.log.tmp";
/// Compaction writes records of about this size, and open reads this much
/// at a time.
inline constexpr std::size_t fs_chunk = std::size_t{1} << 20;

struct fs_location {
    std::uint64_t offset; ///< of the value in the log
    std::uint32_t size;
    std::uint32_t crc;
    std::uint64_t footprint;
};

template <file_io Io>
bool write_all(int fd, bytes_view b, std::uint64_t off) noexcept {
    while (!b.empty()) {
        const ssize_t n = Io::pwrite(fd, b.data(), b.size(), static_cast<off_t>(off));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        b = b.subspan(static_cast<std::size_t>(n));
        off += static_cast<std::uint64_t>(n);
    }
    return true;
}

enum class read_status { ok, io_error, short_read };

template <file_io Io>
read_status read_exact(int fd, mutable_bytes_view b, std::uint64_t off) noexcept {
    while (!b.empty()) {
        const ssize_t n = Io::pread(fd, b.data(), b.size(), static_cast<off_t>(off));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return read_status::io_error;
        if (n == 0) return read_status::short_read;
        b = b.subspan(static_cast<std::size_t>(n));
        off += static_cast<std::uint64_t>(n);
    }
    return read_status::ok;
}

/// Reads a file of known size through a window, so that replaying many
/// small records costs a few large reads. The window is wiped memory.
template <file_io Io>
class window_reader {
public:
    window_reader(int fd, std::uint64_t size) : fd_(fd), size_(size) {}

    /// [off, off + n), which the caller has checked lies within the file.
    result<bytes_view> read(std::uint64_t off, std::size_t n) {
        if (off < base_ || off + n > base_ + buf_.size()) {
            const std::uint64_t want = std::max<std::uint64_t>(n, fs_chunk);
            const std::size_t len = static_cast<std::size_t>(std::min(want, size_ - off));
            buf_.resize(0);
            buf_.resize(len);
            base_ = off;
            switch (read_exact<Io>(fd_, buf_.mutable_view(), off)) {
            case read_status::ok: break;
            case read_status::io_error: buf_.resize(0); return storage_error::io_error;
            case read_status::short_read: buf_.resize(0); return storage_error::corrupt;
            }
        }
        return buf_.view().subspan(static_cast<std::size_t>(off - base_), n);
    }

private:
    int fd_;
    std::uint64_t size_;
    std::uint64_t base_ = 0;
    secret_bytes buf_;
};

template <file_io Io>
struct fd_closer {
    int fd = -1;
    fd_closer() = default;
    explicit fd_closer(int f) : fd(f) {}
    fd_closer(const fd_closer&) = delete;
    fd_closer& operator=(const fd_closer&) = delete;
    ~fd_closer() {
        if (fd >= 0) Io::close(fd);
    }
};

} // namespace detail

template <file_io Io>
struct basic_filesystem_store<Io>::state {
    using index_type = detail::namespaced_map<detail::fs_location>;

    int dir_fd = -1;
    int lock_fd = -1;
    int log_fd = -1;
    filesystem_options options;
    // Guarded by write_mutex:
    std::uint64_t end = 0;  ///< bytes of intact log
    std::uint64_t live = 0; ///< file header + footprints of live entries
    std::uint64_t compactions = 0;
    std::uint64_t compact_after = 0; ///< backoff after a failed compaction
    bool broken = false;
    // Written under both locks, read under either:
    index_type index;
    mutable std::shared_mutex index_mutex;
    mutable std::mutex write_mutex;

    state() = default;
    state(const state&) = delete;
    state& operator=(const state&) = delete;
    ~state() {
        for (int fd : {log_fd, lock_fd, dir_fd})
            if (fd >= 0) Io::close(fd);
    }

    // A new log: written under the temporary name, synced, renamed into
    // place and the directory synced, so the log always has its header.
    result<void> create_log() {
        detail::fd_closer<Io> tmp(
            Io::openat(dir_fd, detail::fs_tmp_name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        if (tmp.fd < 0) return storage_error::io_error;
        const auto h = detail::log::file_header();
        if (!detail::write_all<Io>(tmp.fd, h, 0) || Io::fdatasync(tmp.fd) != 0 ||
            Io::renameat(dir_fd, detail::fs_tmp_name, detail::fs_log_name) != 0) {
            Io::unlinkat(dir_fd, detail::fs_tmp_name);
            return storage_error::io_error;
        }
        if (Io::fsync(dir_fd) != 0) return storage_error::io_error;
        log_fd = std::exchange(tmp.fd, -1);
        return ok();
    }

    /// Whether an intact record (header and body checks pass) starts
    /// anywhere in [from, size).
    result<bool> intact_record_from(detail::window_reader<Io>& r, std::uint64_t from,
                                    std::uint64_t size) {
        namespace lf = detail::log;
        for (std::uint64_t p = from; p + lf::record_header_size <= size; ++p) {
            E2EKIT_TRY(h, r.read(p, lf::record_header_size));
            lf::record_header rh;
            if (!lf::parse_record_header(h, rh)) continue;
            if (rh.body_size > size - p - lf::record_header_size) continue;
            E2EKIT_TRY(body, r.read(p + lf::record_header_size, rh.body_size));
            if (detail::crc32c(body) == rh.body_crc) return true;
        }
        return false;
    }

    result<void> replay() {
        namespace lf = detail::log;
        struct stat st {};
        if (Io::fstat(log_fd, &st) != 0) return storage_error::io_error;
        const auto size = static_cast<std::uint64_t>(st.st_size);
        detail::window_reader<Io> r(log_fd, size);
        if (size < lf::file_header_size) return storage_error::corrupt;
        {
            E2EKIT_TRY(h, r.read(0, lf::file_header_size));
            switch (lf::check_file_header(h)) {
            case lf::header_check::ok: break;
            case lf::header_check::bad: return storage_error::corrupt;
            case lf::header_check::unsupported: return storage_error::unsupported;
            }
        }
        std::uint64_t pos = lf::file_header_size;
        live = lf::file_header_size;
        while (pos < size) {
            const std::uint64_t left = size - pos;
            if (left < lf::record_header_size) break; // torn header
            E2EKIT_TRY(h, r.read(pos, lf::record_header_size));
            lf::record_header rh;
            if (!lf::parse_record_header(h, rh)) {
                E2EKIT_TRY(later, intact_record_from(r, pos + 1, size));
                if (later) return storage_error::corrupt;
                break;
            }
            if (rh.body_size > lf::max_body_size) return storage_error::corrupt;
            if (rh.body_size > left - lf::record_header_size) break; // torn body
            const std::uint64_t body_at = pos + lf::record_header_size;
            E2EKIT_TRY(body, r.read(body_at, rh.body_size));
            if (detail::crc32c(body) != rh.body_crc) {
                if (body_at + rh.body_size == size) break;
                E2EKIT_TRY(later, intact_record_from(r, pos + 1, size));
                if (later) return storage_error::corrupt;
                break;
            }
            typename index_type::changes c;
            std::uint64_t added = 0;
            const bool parsed = lf::parse_body(body, [&](const lf::parsed_op& op) {
                if (op.kind == batch::op_kind::erase) {
                    c.erase(op.ns, op.key);
                    return;
                }
                c.put(
                    op.ns, op.key,
                    detail::fs_location{body_at + op.value_offset, op.value_size, op.value_crc,
                                        lf::footprint(op.ns.size(), op.key.size(), op.value_size)});
            });
            if (!parsed) return storage_error::corrupt;
            c.for_each_put(
                [&](auto&, auto&, const detail::fs_location& l) { added += l.footprint; });
            index.apply(c, [&](const detail::fs_location& old) noexcept { live -= old.footprint; });
            live += added;
            pos = body_at + rh.body_size;
        }
        if (pos < size) {
            // Drop the torn tail now, so that the next append follows the
            // last intact record.
            if (Io::ftruncate(log_fd, static_cast<off_t>(pos)) != 0 || Io::fdatasync(log_fd) != 0)
                return storage_error::io_error;
        }
        end = pos;
        return ok();
    }

    /// Puts the file back as it was before a failed append: io_error, or
    /// outcome_unknown (and no more commits) when the file will not go back.
    storage_error roll_back() noexcept {
        if (Io::ftruncate(log_fd, static_cast<off_t>(end)) == 0 && Io::fdatasync(log_fd) == 0)
            return storage_error::io_error;
        broken = true;
        return storage_error::outcome_unknown;
    }

    // write_mutex held.
    result<void> compact_locked() {
        namespace lf = detail::log;
        if (broken) return storage_error::unavailable;
        detail::fd_closer<Io> tmp(
            Io::openat(dir_fd, detail::fs_tmp_name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        if (tmp.fd < 0) return storage_error::io_error;
        auto fail = [&](storage_error e) -> result<void> {
            Io::close(std::exchange(tmp.fd, -1));
            Io::unlinkat(dir_fd, detail::fs_tmp_name);
            return e;
        };
        if (!detail::write_all<Io>(tmp.fd, lf::file_header(), 0))
            return fail(storage_error::io_error);

        struct placed {
            std::string_view ns, key;
            std::size_t offset; // in the record
            detail::fs_location loc;
        };
        std::uint64_t pos = lf::file_header_size;
        std::uint64_t new_live = lf::file_header_size;
        lf::record_writer w(detail::fs_chunk + detail::fs_chunk / 4);
        std::vector<placed> in_record;
        typename index_type::changes c;
        storage_error error{};
        auto flush = [&] {
            if (w.count() == 0) return true;
            w.finish();
            if (!detail::write_all<Io>(tmp.fd, w.view(), pos)) return false;
            for (auto& p : in_record) {
                p.loc.offset = pos + p.offset;
                new_live += p.loc.footprint;
                c.put(p.ns, p.key, p.loc);
            }
            pos += w.size();
            w.clear();
            in_record.clear();
            return true;
        };
        // The index changes only under write_mutex, which we hold.
        index.for_each(
            [&](const std::string& ns, const std::string& key, const detail::fs_location& l) {
                if (error != storage_error{}) return;
                secret_bytes v(l.size);
                switch (detail::read_exact<Io>(log_fd, v.mutable_view(), l.offset)) {
                case detail::read_status::ok: break;
                case detail::read_status::io_error: error = storage_error::io_error; return;
                case detail::read_status::short_read: error = storage_error::corrupt; return;
                }
                if (detail::crc32c(v.view()) != l.crc) {
                    error = storage_error::corrupt;
                    return;
                }
                const std::size_t off = w.add(batch::op_kind::put, ns, key, v.view(), l.crc);
                in_record.push_back(placed{ns, key, off, l});
                if (w.size() >= detail::fs_chunk && !flush()) error = storage_error::io_error;
            });
        if (error == storage_error{} && !flush()) error = storage_error::io_error;
        if (error != storage_error{}) return fail(error);
        if (Io::fdatasync(tmp.fd) != 0) return fail(storage_error::io_error);
        if (Io::renameat(dir_fd, detail::fs_tmp_name, detail::fs_log_name) != 0)
            return fail(storage_error::io_error);
        // The new log is in place: from here on, no way back.
        index_type fresh;
        fresh.apply(c);
        {
            std::unique_lock ix(index_mutex);
            index.swap(fresh);
            std::swap(log_fd, tmp.fd); // tmp now closes the old log
        }
        end = pos;
        live = new_live;
        ++compactions;
        if (Io::fsync(dir_fd) != 0) {
            // The rename may not survive a crash, and later commits would go
            // to a file that then vanishes: stop taking them.
            broken = true;
            return storage_error::io_error;
        }
        return ok();
    }

    void maybe_compact() {
        const std::uint64_t ratio = std::max<std::uint64_t>(options.compact_ratio, 1);
        if (end <= options.compact_min_bytes || end / ratio <= live || end < compact_after) return;
        if (!compact_locked()) compact_after = end + end / 2;
    }
};

template <file_io Io>
basic_filesystem_store<Io>::basic_filesystem_store(std::unique_ptr<state> s) noexcept
    : s_(std::move(s)) {}

template <file_io Io>
result<basic_filesystem_store<Io>>
basic_filesystem_store<Io>::open(const std::filesystem::path& dir, filesystem_options options) {
    auto s = std::make_unique<state>();
    s->options = options;
    const std::string d = dir.empty() ? std::string(".") : dir.string();
    constexpr int dir_flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
    s->dir_fd = Io::open(d.c_str(), dir_flags, 0);
    if (s->dir_fd < 0) {
        if (errno != ENOENT) return storage_error::io_error;
        if (!options.create_if_missing) return storage_error::not_found;
        if (Io::mkdir(d.c_str(), 0700) != 0 && errno != EEXIST) return storage_error::io_error;
        // The new directory's entry must be as durable as the first commit.
        auto parent = dir.parent_path();
        const std::string p = parent.empty() ? std::string(".") : parent.string();
        detail::fd_closer<Io> pfd(Io::open(p.c_str(), dir_flags, 0));
        if (pfd.fd < 0 || Io::fsync(pfd.fd) != 0) return storage_error::io_error;
        s->dir_fd = Io::open(d.c_str(), dir_flags, 0);
        if (s->dir_fd < 0) return storage_error::io_error;
    }
    s->lock_fd = Io::openat(s->dir_fd, detail::fs_lock_name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (s->lock_fd < 0) return storage_error::io_error;
    if (Io::flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0)
        return errno == EWOULDBLOCK ? storage_error::conflict : storage_error::io_error;
    // A compaction or creation that did not reach its rename.
    if (Io::unlinkat(s->dir_fd, detail::fs_tmp_name) != 0 && errno != ENOENT)
        return storage_error::io_error;
    s->log_fd = Io::openat(s->dir_fd, detail::fs_log_name, O_RDWR | O_CLOEXEC, 0);
    if (s->log_fd < 0) {
        if (errno != ENOENT) return storage_error::io_error;
        if (!options.create_if_missing) return storage_error::not_found;
        E2EKIT_CHECK(s->create_log());
    }
    E2EKIT_CHECK(s->replay());
    return basic_filesystem_store(std::move(s));
}

template <file_io Io>
result<secret_bytes> basic_filesystem_store<Io>::get(std::string_view ns,
                                                     std::string_view key) const {
    E2EKIT_CHECK(check_names(ns, key));
    if (!s_) return storage_error::unavailable;
    std::shared_lock ix(s_->index_mutex);
    const detail::fs_location* l = s_->index.find(ns, key);
    if (!l) return storage_error::not_found;
    secret_bytes v(l->size);
    switch (detail::read_exact<Io>(s_->log_fd, v.mutable_view(), l->offset)) {
    case detail::read_status::ok: break;
    case detail::read_status::io_error: return storage_error::io_error;
    case detail::read_status::short_read: return storage_error::corrupt;
    }
    if (detail::crc32c(v.view()) != l->crc) return storage_error::corrupt;
    return v;
}

template <file_io Io>
result<bool> basic_filesystem_store<Io>::contains(std::string_view ns, std::string_view key) const {
    E2EKIT_CHECK(check_names(ns, key));
    if (!s_) return storage_error::unavailable;
    std::shared_lock ix(s_->index_mutex);
    return s_->index.find(ns, key) != nullptr;
}

template <file_io Io>
result<std::vector<std::string>> basic_filesystem_store<Io>::list(std::string_view ns,
                                                                  std::string_view prefix) const {
    E2EKIT_CHECK(check_namespace(ns));
    if (!s_) return storage_error::unavailable;
    std::shared_lock ix(s_->index_mutex);
    return s_->index.list(ns, prefix);
}

template <file_io Io>
result<void> basic_filesystem_store<Io>::commit(const batch& b) {
    namespace lf = detail::log;
    E2EKIT_CHECK(b.check());
    if (!s_) return storage_error::unavailable;
    if (b.empty()) return ok();
    state& st = *s_;
    std::lock_guard w(st.write_mutex);
    if (st.broken) return storage_error::unavailable;

    // Everything that allocates happens before the write.
    std::size_t ops = 0;
    for (const auto& op : b)
        ops += lf::footprint(op.ns.size(), op.key.size(), op.value.size());
    lf::record_writer rec(lf::record_writer::record_size(ops));
    typename state::index_type::changes c;
    for (const auto& op : b) {
        const bool put = op.kind == batch::op_kind::put;
        const std::uint32_t crc = put ? detail::crc32c(op.value.view()) : 0;
        const std::size_t at = rec.add(op.kind, op.ns, op.key, op.value.view(), crc);
        if (put)
            c.put(op.ns, op.key,
                  detail::fs_location{st.end + at, static_cast<std::uint32_t>(op.value.size()), crc,
                                      lf::footprint(op.ns.size(), op.key.size(), op.value.size())});
        else
            c.erase(op.ns, op.key);
    }
    rec.finish();
    std::uint64_t added = 0;
    c.for_each_put([&](auto&, auto&, const detail::fs_location& l) { added += l.footprint; });

    // The commit point: the record written and synced.
    if (!detail::write_all<Io>(st.log_fd, rec.view(), st.end) || Io::fdatasync(st.log_fd) != 0)
        return st.roll_back();
    {
        std::unique_lock ix(st.index_mutex);
        st.index.apply(c,
                       [&](const detail::fs_location& old) noexcept { st.live -= old.footprint; });
    }
    st.live += added;
    st.end += rec.size();
    try {
        st.maybe_compact();
    } catch (const std::bad_alloc&) {
        // The commit is durable and applied; a compaction that ran out of
        // memory changed nothing and is tried again later.
        st.compact_after = st.end + st.end / 2;
    }
    return ok();
}

template <file_io Io>
result<void> basic_filesystem_store<Io>::compact() {
    if (!s_) return storage_error::unavailable;
    std::lock_guard w(s_->write_mutex);
    return s_->compact_locked();
}

template <file_io Io>
filesystem_stats basic_filesystem_store<Io>::stats() const {
    if (!s_) return {};
    std::lock_guard w(s_->write_mutex);
    std::shared_lock ix(s_->index_mutex);
    return {s_->end, s_->live, s_->index.size(), s_->compactions};
}

} // namespace e2ekit::storage

#endif
