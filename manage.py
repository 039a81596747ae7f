#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagement.settings")
    from django.core.management import execute_from_command_line

    from engagement.database import explain_connection_errors

    with explain_connection_errors():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
