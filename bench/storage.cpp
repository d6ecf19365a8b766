// Stores beside the raw ways of doing the same durable work, in pairs named
// BM_<op>/<who>, so the ratios are read off directly:
//
//   BM_get/...                 one 512-byte value of 1000, by key
//   BM_commit/.../N            one atomic, durable commit setting N keys
//
// The baselines: `posix_file_per_key` writes each value to a temporary
// file, fsyncs, renames it into place, then fsyncs the directory once (the
// usual "atomic file" idiom: durable but not atomic across keys); and
// `sqlite_wal_full` is SQLite 3 in WAL mode with synchronous=FULL, the N
// upserts in one transaction. SQLite is loaded at run time (dlopen), so
// this file links nothing beyond the benchmark library; without
// libsqlite3.so.0 its rows are skipped. Counters show allocations per
// operation. Run: bench_storage --benchmark_repetitions=3
// --benchmark_report_aggregates_only=true (files go under $TMPDIR).
#include <e2ekit/storage/filesystem_store.hpp>
#include <e2ekit/storage/memory_store.hpp>

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <string>
#include <system_error>
#include <vector>

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#if __has_include(<sqlite3.h>)
#include <sqlite3.h>
#define E2EKIT_BENCH_HAVE_SQLITE 1
#endif

// ---- allocations per operation ---------------------------------------------

namespace {
std::atomic<std::uint64_t> g_allocs{0};
}
void* operator new(std::size_t n) {
    g_allocs.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
// Out of line, so that g++ does not pair an inlined free() with a new
// expression and warn (-Wmismatched-new-delete).
[[gnu::noinline]] void operator delete(void* p) noexcept {
    std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

using namespace e2ekit;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t value_size = 512;
constexpr int key_count = 1000;

const bytes& value() {
    static const bytes v = [] {
        bytes b(value_size);
        for (std::size_t i = 0; i < b.size(); ++i)
            b[i] = static_cast<byte>(i * 29 + 1);
        return b;
    }();
    return v;
}

std::string key(int i) {
    return "session/peer" + std::to_string(i) + "/device1";
}

/// A fresh directory under $TMPDIR, removed afterwards.
struct scratch {
    fs::path path;
    explicit scratch(const char* name) {
        static int counter = 0;
        path = fs::temp_directory_path() /
               ("e2ekit-bench-" + std::string(name) + "-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter++));
        std::error_code ec;
        fs::remove_all(path, ec);
        fs::create_directories(path);
    }
    ~scratch() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void count_allocs(benchmark::State& st, std::uint64_t before) {
    st.counters["allocs/op"] = benchmark::Counter(static_cast<double>(g_allocs.load() - before) /
                                                  static_cast<double>(st.iterations()));
}

template <class Store>
void fill(Store& s) {
    storage::batch b;
    for (int i = 0; i < key_count; ++i)
        b.put("sessions", key(i), value());
    if (!s.commit(b)) std::abort();
}

// ---- e2ekit stores ------------------------------------------------------------

template <class Open>
void get_bench(benchmark::State& st, Open open) {
    auto s = open();
    fill(s);
    std::vector<std::string> keys;
    for (int i = 0; i < key_count; ++i)
        keys.push_back(key(i));
    int i = 0;
    const auto a0 = g_allocs.load();
    for (auto _ : st) {
        auto v = s.get("sessions", keys[static_cast<std::size_t>(i++ % key_count)]);
        if (!v) std::abort();
        benchmark::DoNotOptimize(v->data());
    }
    count_allocs(st, a0);
}

template <class Open>
void commit_bench(benchmark::State& st, Open open) {
    auto s = open();
    const int n = static_cast<int>(st.range(0));
    std::vector<std::string> keys;
    for (int i = 0; i < key_count; ++i)
        keys.push_back(key(i));
    int next = 0;
    const auto a0 = g_allocs.load();
    for (auto _ : st) {
        storage::batch b;
        for (int k = 0; k < n; ++k)
            b.put("sessions", keys[static_cast<std::size_t>(next++ % key_count)], value());
        if (!s.commit(b)) std::abort();
    }
    count_allocs(st, a0);
    st.SetItemsProcessed(st.iterations() * n);
}

void get_memory(benchmark::State& st) {
    get_bench(st, [] { return storage::memory_store{}; });
}
void get_filesystem(benchmark::State& st) {
    scratch dir("fs-get");
    get_bench(st, [&] { return std::move(*storage::filesystem_store::open(dir.path / "s")); });
}
void commit_memory(benchmark::State& st) {
    commit_bench(st, [] { return storage::memory_store{}; });
}
void commit_filesystem(benchmark::State& st) {
    scratch dir("fs-commit");
    commit_bench(st, [&] { return std::move(*storage::filesystem_store::open(dir.path / "s")); });
}

// ---- raw POSIX: a file per key --------------------------------------------

std::string file_name(int i) {
    return "k" + std::to_string(i);
}

void get_posix_file(benchmark::State& st) {
    scratch dir("posix-get");
    const int dfd = ::open(dir.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (int i = 0; i < key_count; ++i) {
        const int fd = ::openat(dfd, file_name(i).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0 || ::write(fd, value().data(), value().size()) != value_size) std::abort();
        ::close(fd);
    }
    std::vector<std::string> names;
    for (int i = 0; i < key_count; ++i)
        names.push_back(file_name(i));
    int i = 0;
    const auto a0 = g_allocs.load();
    for (auto _ : st) {
        const int fd = ::openat(dfd, names[static_cast<std::size_t>(i++ % key_count)].c_str(),
                                O_RDONLY | O_CLOEXEC);
        secret_bytes v(value_size);
        if (fd < 0 || ::read(fd, v.data(), v.size()) != value_size) std::abort();
        ::close(fd);
        benchmark::DoNotOptimize(v.data());
    }
    count_allocs(st, a0);
    ::close(dfd);
}

void commit_posix_file(benchmark::State& st) {
    scratch dir("posix-commit");
    const int dfd = ::open(dir.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const int n = static_cast<int>(st.range(0));
    int next = 0;
    const auto a0 = g_allocs.load();
    for (auto _ : st) {
        for (int k = 0; k < n; ++k) {
            const std::string name = file_name(next++ % key_count);
            const std::string tmp = name + ".tmp";
            const int fd =
                ::openat(dfd, tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            if (fd < 0 || ::write(fd, value().data(), value().size()) != value_size ||
                ::fsync(fd) != 0 || ::renameat(dfd, tmp.c_str(), dfd, name.c_str()) != 0)
                std::abort();
            ::close(fd);
        }
        if (::fsync(dfd) != 0) std::abort();
    }
    count_allocs(st, a0);
    st.SetItemsProcessed(st.iterations() * n);
    ::close(dfd);
}

// ---- SQLite 3, WAL, synchronous=FULL (loaded at run time) ------------------

#ifdef E2EKIT_BENCH_HAVE_SQLITE
struct sqlite_api {
    decltype(&sqlite3_open_v2) open_v2 = nullptr;
    decltype(&sqlite3_close) close = nullptr;
    decltype(&sqlite3_exec) exec = nullptr;
    decltype(&sqlite3_prepare_v2) prepare_v2 = nullptr;
    decltype(&sqlite3_bind_text) bind_text = nullptr;
    decltype(&sqlite3_bind_blob) bind_blob = nullptr;
    decltype(&sqlite3_step) step = nullptr;
    decltype(&sqlite3_reset) reset = nullptr;
    decltype(&sqlite3_finalize) finalize = nullptr;
    decltype(&sqlite3_column_blob) column_blob = nullptr;
    decltype(&sqlite3_column_bytes) column_bytes = nullptr;
    bool ok = false;

    static const sqlite_api& get() {
        static const sqlite_api api = [] {
            sqlite_api a;
            void* h = ::dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_LOCAL);
            if (!h) return a;
            auto load = [&](auto& fn, const char* name) {
                fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(h, name));
                return fn != nullptr;
            };
            a.ok = load(a.open_v2, "sqlite3_open_v2") && load(a.close, "sqlite3_close") &&
                   load(a.exec, "sqlite3_exec") && load(a.prepare_v2, "sqlite3_prepare_v2") &&
                   load(a.bind_text, "sqlite3_bind_text") &&
                   load(a.bind_blob, "sqlite3_bind_blob") && load(a.step, "sqlite3_step") &&
                   load(a.reset, "sqlite3_reset") && load(a.finalize, "sqlite3_finalize") &&
                   load(a.column_blob, "sqlite3_column_blob") &&
                   load(a.column_bytes, "sqlite3_column_bytes");
            return a;
        }();
        return api;
    }
};

/// One database in WAL mode with full sync, a table of (key, value).
struct sqlite_db {
    const sqlite_api& api = sqlite_api::get();
    scratch dir{"sqlite"};
    sqlite3* db = nullptr;
    sqlite3_stmt* upsert = nullptr;
    sqlite3_stmt* select = nullptr;

    sqlite_db() {
        const auto file = (dir.path / "store.db").string();
        if (api.open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
            SQLITE_OK)
            std::abort();
        run("PRAGMA journal_mode=WAL");
        run("PRAGMA synchronous=FULL");
        run("CREATE TABLE kv (ns TEXT NOT NULL, k TEXT NOT NULL, v BLOB NOT NULL, "
            "PRIMARY KEY (ns, k)) WITHOUT ROWID");
        if (api.prepare_v2(db, "INSERT OR REPLACE INTO kv VALUES (?1, ?2, ?3)", -1, &upsert,
                           nullptr) != SQLITE_OK ||
            api.prepare_v2(db, "SELECT v FROM kv WHERE ns = ?1 AND k = ?2", -1, &select, nullptr) !=
                SQLITE_OK)
            std::abort();
    }
    ~sqlite_db() {
        api.finalize(upsert);
        api.finalize(select);
        api.close(db);
    }
    void run(const char* sql) {
        if (api.exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) std::abort();
    }
    void put(const std::string& k) {
        api.bind_text(upsert, 1, "sessions", -1, SQLITE_STATIC);
        api.bind_text(upsert, 2, k.c_str(), static_cast<int>(k.size()), SQLITE_STATIC);
        api.bind_blob(upsert, 3, value().data(), static_cast<int>(value().size()), SQLITE_STATIC);
        if (api.step(upsert) != SQLITE_DONE) std::abort();
        api.reset(upsert);
    }
};

void get_sqlite(benchmark::State& st) {
    if (!sqlite_api::get().ok) return st.SkipWithError("libsqlite3.so.0 not found");
    sqlite_db d;
    std::vector<std::string> keys;
    for (int i = 0; i < key_count; ++i)
        keys.push_back(key(i));
    d.run("BEGIN");
    for (const auto& k : keys)
        d.put(k);
    d.run("COMMIT");
    int i = 0;
    const auto a0 = g_allocs.load();
    for (auto _ : st) {
        const auto& k = keys[static_cast<std::size_t>(i++ % key_count)];
        d.api.bind_text(d.select, 1, "sessions", -1, SQLITE_STATIC);
        d.api.bind_text(d.select, 2, k.c_str(), static_cast<int>(k.size()), SQLITE_STATIC);
        if (d.api.step(d.select) != SQLITE_ROW) std::abort();
        // Copied out into wiped memory, as a store must hand it over.
        secret_bytes v(bytes_view(static_cast<const byte*>(d.api.column_blob(d.select, 0)),
                                  static_cast<std::size_t>(d.api.column_bytes(d.select, 0))));
        d.api.reset(d.select);
        benchmark::DoNotOptimize(v.data());
    }
    count_allocs(st, a0);
}

void commit_sqlite(benchmark::State& st) {
    if (!sqlite_api::get().ok) return st.SkipWithError("libsqlite3.so.0 not found");
    sqlite_db d;
    const int n = static_cast<int>(st.range(0));
    std::vector<std::string> keys;
    for (int i = 0; i < key_count; ++i)
        keys.push_back(key(i));
    int next = 0;
    const auto a0 = g_allocs.load();
    for (auto _ : st) {
        d.run("BEGIN");
        for (int k = 0; k < n; ++k)
            d.put(keys[static_cast<std::size_t>(next++ % key_count)]);
        d.run("COMMIT");
    }
    count_allocs(st, a0);
    st.SetItemsProcessed(st.iterations() * n);
}
#endif

} // namespace

BENCHMARK(get_memory)->Name("BM_get/e2ekit_memory");
BENCHMARK(get_filesystem)->Name("BM_get/e2ekit_filesystem");
BENCHMARK(get_posix_file)->Name("BM_get/posix_file_per_key");
#ifdef E2EKIT_BENCH_HAVE_SQLITE
BENCHMARK(get_sqlite)->Name("BM_get/sqlite_wal_full");
#endif

BENCHMARK(commit_memory)->Name("BM_commit/e2ekit_memory")->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(commit_filesystem)
    ->Name("BM_commit/e2ekit_filesystem")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->UseRealTime();
BENCHMARK(commit_posix_file)
    ->Name("BM_commit/posix_file_per_key")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->UseRealTime();
#ifdef E2EKIT_BENCH_HAVE_SQLITE
BENCHMARK(commit_sqlite)
    ->Name("BM_commit/sqlite_wal_full")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->UseRealTime();
#endif
