from ballerina_tui.cli import main

raise SystemExit(main())
