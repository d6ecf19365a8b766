// For interop drivers that are plain programs (no Catch2: they link a
// reference C library and run as one ctest): E2EKIT_EXPECT counts and
// reports a failed condition and goes on, and `expect_summary` turns the
// count into the exit status.
#ifndef E2EKIT_TESTS_SUPPORT_EXPECT_HPP
#define E2EKIT_TESTS_SUPPORT_EXPECT_HPP

#include <cstdio>

namespace e2ekit::test {

inline int& expect_failures() {
    static int n = 0;
    return n;
}

/// 0 and `ok_line` on stdout when nothing failed, else 1 and the count.
inline int expect_summary(const char* ok_line) {
    if (expect_failures() != 0) {
        std::fprintf(stderr, "%d failures\n", expect_failures());
        return 1;
    }
    std::puts(ok_line);
    return 0;
}

} // namespace e2ekit::test

#define E2EKIT_EXPECT(cond)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);               \
            ++::e2ekit::test::expect_failures();                                                   \
        }                                                                                          \
    } while (0)

#endif
