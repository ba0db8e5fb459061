# mig build configuration: edit here, or override on the make command line.
PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man
# bash-completion loads a command's completion from here by its name
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions

CC = cc
CPPFLAGS = -D_GNU_SOURCE -Icommon -I/usr/include/postgresql -I/usr/include/mariadb -I/usr/include/uuid
CFLAGS = -std=c11 -O2 -g -Wall -Wextra -Werror -Wno-error=deprecated-declarations
LDFLAGS =
LDLIBS = -lcsv -lpq -lmariadb -lsqlite3 -ljansson -luuid -lnettle -lcrypt -lxxhash -lm

# make SANITIZE=1: AddressSanitizer and UBSan, in a build tree of their own.
SAN_CFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -O1
