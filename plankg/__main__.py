from plankg.kg.cli import main

main()
