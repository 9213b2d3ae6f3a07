/*
 * under_valgrind.h — CH_UNDER_VALGRIND(): nonzero when the process runs
 * under valgrind.  The loader then leaves PCRE2's JIT off (memcheck cannot
 * follow JIT code), and tests that guard against hangs size their inputs
 * for memcheck's slowness.  valgrind.h is header-only and its test is 0
 * natively; without it installed the answer is always 0.
 */
#ifndef CH_UNDER_VALGRIND_H
#define CH_UNDER_VALGRIND_H

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define CH_UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef CH_UNDER_VALGRIND
#define CH_UNDER_VALGRIND() 0
#endif

#endif
