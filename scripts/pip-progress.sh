#!/usr/bin/env bash
# Reads pip's output on stdin and says, one short line at a time, what it is doing: which package it is
# collecting (numbered), when it builds or installs, and every error; not the hundreds of lines of
# "Requirement already satisfied" or this machine's pip-config noise about an absent local index.
set -uo pipefail
n=0
while IFS= read -r line; do
    case $line in
        "Collecting "*)
            n=$((n + 1))
            echo "  venv: [$n] ${line#Collecting }" ;;
        *"Building wheel for "*)
            echo "  venv: building ${line#*Building wheel for }" ;;
        "Installing collected packages:"*)
            echo "  venv: installing $n packages (unpacking and compiling: a minute or two, quiet meanwhile) ..." ;;
        "Successfully installed"*)
            echo "  venv: installed" ;;
        *"is ignored: it is neither a file nor a directory"*) ;;
        ERROR*|WARNING*|*"error:"*)
            echo "$line" ;;
    esac
done
