/*
 * banned.h - functions that overflow or keep hidden state; use buf.h,
 * snprintf and explicit tokenising instead.
 */
#ifndef MIG_BANNED_H
#define MIG_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_mig

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)

#endif
