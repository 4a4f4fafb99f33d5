/* util_bcrypt: bcrypt hashes through libcrypt (libxcrypt's crypt_rn). */
#ifndef UTIL_BCRYPT_H
#define UTIL_BCRYPT_H

/* 1 when s is a bcrypt hash libcrypt can check ($2a$, $2b$, $2y$). */
int util_bcrypt_valid(const char *s);

#endif
