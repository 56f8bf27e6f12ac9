#!/usr/bin/env bash
# free-port.sh — prints a free TCP port on 127.0.0.1.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
free_port
