/**
 * gonogo's built-in playbook templates, written out by `gonogo init --template NAME` and
 * listed by `gonogo templates`. One per kind of release the seed checklists show, plus a lean
 * default. Each is a complete `gonogo.yaml` with comments, so a team can read it, delete what
 * does not apply and commit it; the tests keep every one of them lint-clean.
 */
import { NotFoundError } from './errors.ts';
import { suggestName } from './names.ts';

export interface Template {
  name: string;
  summary: string;
  /** What kind of team / release it fits. */
  fits: string;
  yaml: string;
}

// The YAML bodies are plain text on purpose: they are what the user gets, comments included.
// Keep them free of backticks and dollar-brace so they stay valid template literals.

const djangoAws = `# gonogo playbook for a Django / Wagtail web application hosted on AWS.
# Code health and infrastructure are verified first, then Django-specific checks, a staging
# smoke test with sign-off, and a gated production deploy with a watch and a rollback plan.
name: Django on AWS release
description: >-
  Release of a Django or Wagtail site running on AWS (ECS or EC2, RDS, S3/CloudFront for
  static files). Adapt the commands and URLs to your project.

roles:
  tech-lead: Tech Lead
  qa: QA
  product-manager: Product Manager

environments: [development, staging, production]
types: [hotfix, minor, major]

policy:
  window:
    timezone: Europe/London
    deny: [sat, sun]
    # Production deploys happen while the team is at work to watch them.
    deny_hours: ["17:30-09:00"]
    freezes:
      - from: 2026-12-21
        to: 2027-01-04
        reason: Holiday freeze, skeleton on-call rota
    # Who may let one gate through the window on a denied day, with a reason.
    override: [tech-lead]
  # Who may deploy past a gate that says NO-GO, with a reason.
  force: [tech-lead]
  rollback:
    when: ["error_rate > 2%", "p99_latency > 2x baseline"]

phases:
  - id: pre-release
    title: Code health
    sections:
      - title: Version and changelog
        items:
          - title: Version bumped for this release
            details: The version in pyproject.toml (and any Docker image tag) matches the release.
            check: version
          - title: CHANGELOG.md describes this release
            check: changelog
      - title: Tests and static analysis
        items:
          - title: Test suite passes
            check: { command: "pytest" }
          - title: Coverage at or above 80%
            check: { coverage: { min: 80 } }
          - title: Lint and formatting clean
            check: { command: "ruff check ." }
      - title: Dependencies and secrets
        items:
          - title: No known vulnerabilities in Python dependencies
            details: Pinned versions in requirements.txt or the lock file; upgrade what the audit flags.
            check: { command: "pip-audit -r requirements.txt" }
          - title: No secrets committed
            check: secrets

  - id: infrastructure
    title: Infrastructure (AWS)
    items:
      - title: Infrastructure code applied to staging without drift
        details: Terraform or CloudFormation changes for this release are planned and applied.
        check: { command: "terraform plan -detailed-exitcode" }
      - title: New settings documented in .env.example
        check: env-documented
      - title: New settings stored in SSM Parameter Store or Secrets Manager
        details: Set for staging and production, secrets encrypted with the right KMS key.
      - title: Container image built and pushed to ECR with the release tag
        run: ./deploy.sh build-image
        timeout: 20m
      - title: Load test against staging
        details: Compare against the last baseline; review the auto-scaling limits.
        when: { type: major }
        optional: true

  - id: django
    title: Django and Wagtail checks
    items:
      - title: No model change without a migration
        check: { command: "python manage.py makemigrations --check --dry-run" }
      - title: Migrations apply to a copy of production data
        details: Prefer migrations the previous release can still run against (expand, then contract).
        suggest: { run: "python manage.py migrate --plan" }
      - title: Static files collect and the CDN serves the new build
        check: { command: "python manage.py collectstatic --noinput --dry-run" }
      - title: Deployment settings pass Django's deploy check
        details: ALLOWED_HOSTS, CSRF and secure-cookie settings, HTTPS redirects.
        check: { command: "python manage.py check --deploy --fail-level WARNING" }
      - title: New views and admin screens require the right permissions
      - title: New Wagtail page types and blocks work in the editor
        optional: true

  - id: staging
    title: Staging
    items:
      - title: Release candidate deployed to staging
        run: ./deploy.sh staging
        timeout: 30m
      - title: Staging health endpoint answers
        check: { http: { url: "https://staging.example.com/health/" } }
      - title: Smoke test of the critical paths on staging
        items:
          - title: Sign in and sign out
          - title: Create, edit and delete a record
          - title: Edit and publish a page in the Wagtail admin
          - title: No new errors in the staging logs
      - title: Documentation updated for changed behaviour
        optional: true
      - title: Staging accepted
        sign: [qa, product-manager]

  - id: production
    title: Production deploy
    gate: [tech-lead]
    items:
      - title: Inside the release window
        check: window
      - title: Stakeholders told about any downtime
        optional: true
      - title: RDS snapshot taken
        run: ./deploy.sh snapshot-db production
        timeout: 30m
      - title: Migrations applied to production
        run: ./deploy.sh migrate production
      - title: Application deployed to production
        run: ./deploy.sh production
        timeout: 30m
      - title: Release tagged in git
        check: git-tag
      - title: GitHub release published with notes
        optional: true

  - id: post-deploy
    title: After the deploy
    items:
      - title: Production health endpoint answers
        check: { http: { url: "https://www.example.com/health/" } }
      - title: Site stays healthy for 30 minutes
        watch: { for: 30m, every: 1m, check: { http: { url: "https://www.example.com/health/" } } }
      - title: No new errors in CloudWatch or Sentry
      - title: Background workers and scheduled tasks running
        optional: true

rollback:
  - title: Rollback called by the tech lead
    sign: tech-lead
  - title: Previous image redeployed
    run: ./deploy.sh rollback production
    timeout: 30m
  - title: Migrations reversed, or the snapshot restored
    details: Only when this release changed the schema in a way the previous code cannot run on.
    optional: true
  - title: Production health endpoint answers after rollback
    check: { http: { url: "https://www.example.com/health/" } }
  - title: Stakeholders told about the rollback
`;

const enterprise = `# gonogo playbook for an enterprise release with formal sign-offs.
# Planning, readiness, data safety, communications and monitoring are prepared; five roles
# sign off; the release manager's go/no-go gate opens deployment execution.
name: Enterprise release
description: >-
  A scheduled release with a change window, five sign-off roles and a written rollback
  procedure. Give a role members (roles: { qa-lead: { name: QA Lead, members: [...] } })
  to restrict who may sign for it.

roles:
  qa-lead: QA Lead
  product-owner: Product Owner
  security: Security
  technical-lead: Technical Lead
  release-manager: Release Manager

environments: [development, staging, production]
types: [hotfix, minor, major]

policy:
  window:
    timezone: America/New_York
    deny: [fri, sat, sun]
    # Deploy outside business hours, inside the maintenance window.
    deny_hours: ["06:00-20:00"]
    freezes:
      - from: 2026-12-18
        to: 2027-01-04
        reason: Year-end change freeze
      - from: 2027-03-25
        to: 2027-04-02
        reason: Quarter-end financial close
    # Who may let one gate through the window on a denied day, with a reason.
    override: [release-manager]
  # Who may deploy past a gate that says NO-GO, with a reason.
  force: [release-manager]
  rollback:
    when: ["error_rate > 2%", "p99_latency > 1.5x baseline"]

phases:
  - id: planning
    title: Release planning
    items:
      - title: Version number set
        check: version
      - title: Scope frozen
        details: Features, fixes and dependency upgrades in this release are listed and agreed.
      - title: Date and change window agreed with stakeholders
      - title: Change request approved
        details: Only where a change advisory board reviews releases.
        optional: true
      - title: What counts as go and as no-go agreed in writing
      - title: Rollback decision criteria and decision-maker named

  - id: readiness
    title: Deployment readiness
    sections:
      - title: Runbook and environments
        items:
          - title: Deployment runbook updated and peer-reviewed
          - title: New infrastructure in place in every environment
          - title: Every new configuration value documented
            check: env-documented
          - title: Feature flags set up for the new features
            optional: true
          - title: Upstream services and libraries work with the new version
          - title: No known vulnerabilities in dependencies
            check: audit
          - title: No secrets in the repository
            check: secrets
      - title: Data and backups
        items:
          - title: Migrations rehearsed on a staging copy of the data
          - title: Every migration has a tested way back
          - title: Queries that verify the migrated data written
          - title: Full backup taken
            run: ./scripts/backup.sh production
            timeout: 1h
          - title: Backup restore rehearsed outside production
            when: { type: major }

  - id: preparation
    title: Communications and monitoring
    sections:
      - title: Communications
        items:
          - title: Audience and channels for the announcement agreed
          - title: Announcement text written
          - title: Maintenance notice sent
            optional: true
          - title: Customer-facing message prepared
            optional: true
            when: { type: major }
          - title: Maintenance window posted on the status page
            optional: true
      - title: Monitoring
        items:
          - title: Dashboards cover the new features
          - title: Alerts fire at thresholds that fit the new load
          - title: Alerts link to the runbook
          - title: On-call rota confirmed for the release night

  - id: sign-offs
    title: Sign-offs
    items:
      - title: Test results accepted
        sign: qa-lead
      - title: Scope and release notes approved
        sign: product-owner
      - title: Security review passed
        details: Required for major releases and for any change to authentication or data access.
        sign: security
        optional: true
      - title: Technical design and deployment plan approved
        sign: technical-lead
      - title: Runbook and rollback plan approved
        sign: release-manager

  - id: go-no-go
    title: Go / no-go
    gate: [release-manager]

  - id: deployment
    title: Deployment execution
    sections:
      - title: Before the deploy
        items:
          - title: Inside the change window
            check: window
          - title: Release commit tagged
            check: git-tag
          - title: Deployment team on standby in the release channel
      - title: Deploy
        items:
          - title: Maintenance mode on
            run: ./deploy.sh maintenance on
            optional: true
          - title: Application deployed to production
            run: ./deploy.sh production
            timeout: 45m
          - title: Schema migrated
            run: ./deploy.sh migrate production
            timeout: 30m
          - title: New configuration rolled out
          - title: Caches cleared and warmed
            optional: true
          - title: Flags flipped to the planned state
            optional: true
          - title: Maintenance mode off
            run: ./deploy.sh maintenance off
            optional: true
      - title: Validation
        items:
          - title: Health endpoint answers
            check: { http: { url: "https://app.example.com/health" } }
          - title: Smoke tests pass against production
            check: { command: "npm run test:smoke" }
          - title: Critical user journeys checked by hand
          - title: Error rate and latency within thresholds
            watch: { for: 1h, every: 1m, check: { http: { url: "https://app.example.com/health" } } }

  - id: post-release
    title: Post-release
    sections:
      - title: Communications
        items:
          - title: Completion announced
          - title: Support briefed on known issues
          - title: Release notes published
            check: changelog
          - title: Status page cleared
            optional: true
      - title: Records and follow-up
        items:
          - title: Deployment timeline and incidents recorded
          - title: Runbook updated with what was learned
          - title: Noisy alerts from the release retuned
          - title: On-call knows what changed and where to look
          - title: Retrospective scheduled
          - title: Bugs reported since the release sorted by severity

rollback:
  sections:
    - title: Decide
      items:
        - title: Rollback called against the written criteria
          sign: release-manager
        - title: Stakeholders told a rollback is under way
    - title: Execute
      items:
        - title: Previous release redeployed from the runbook
          run: ./deploy.sh rollback production
          timeout: 45m
        - title: Data restored from the pre-release backup
          run: ./scripts/restore.sh production
          optional: true
        - title: Health endpoint answers after rollback
          check: { http: { url: "https://app.example.com/health" } }
        - title: Rollback validated by QA
          sign: qa-lead
    - title: Afterwards
      items:
        - title: Rollback communicated to stakeholders and customers
        - title: Post-incident review booked
`;

const containerService = `# gonogo playbook for a containerised web service (ECS or a similar orchestrator).
# Release types pick the depth: a hotfix takes the fast path, a major release adds end-to-end
# and load tests and a beta period. Rollback criteria are watched after every deploy.
name: Container service release
description: >-
  A web API shipped as container images to an orchestrator behind a load balancer, with a
  relational database, a cache and background workers.

roles:
  release-captain: Release Captain
  on-call: On-call Engineer

environments: [staging, production]
types: [hotfix, minor, major]

policy:
  window:
    timezone: UTC
    deny: [sat, sun]
    # Minor and major releases go out in working hours; a hotfix outside them needs an override.
    deny_hours: ["16:00-08:00"]
    freezes:
      - from: 2026-11-26
        to: 2026-11-30
        reason: Peak traffic weekend
    # Who may let one gate through the window on a denied day, with a reason.
    override: [release-captain]
  # Who may deploy past a gate that says NO-GO, with a reason.
  force: [release-captain]
  rollback:
    when: ["error_rate > 5%", "p99_latency > 2x baseline", "healthy_tasks < 100%"]

phases:
  - id: pre-release
    title: Pre-release
    sections:
      - title: Code quality
        items:
          - title: Unit tests pass
            check: { command: "make test" }
          - title: Integration tests pass
            check: { command: "make test-integration" }
            when: { type: [minor, major] }
          - title: Critical-path tests pass
            details: The hotfix fast path runs these instead of the full suite.
            check: { command: "make test-critical" }
            when: { type: hotfix }
          - title: End-to-end tests pass
            check: { command: "make test-e2e" }
            when: { type: major }
          - title: Coverage at or above 80%
            check: { coverage: { min: 80 } }
            when: { type: [minor, major] }
          - title: No known vulnerabilities in dependencies
            check: audit
          - title: Release branch contains the latest main
            check: git-up-to-date
          - title: Reviewed by a second engineer
      - title: Database
        items:
          - title: Migrations tested on staging
            when: { type: [minor, major] }
          - title: Down migration tested
            optional: true
          - title: Schema change compatible with the running version
            details: Removing or renaming columns waits a release (expand, then contract).
          - title: Indexes cover the new query patterns
            optional: true
      - title: Documentation
        items:
          - title: CHANGELOG.md updated
            check: changelog
          - title: API reference updated
            optional: true
          - title: Runbook covers any new operations work
            optional: true
      - title: Security
        items:
          - title: No secrets committed
            check: secrets
          - title: Every environment variable documented
            check: { env-documented: { file: .env.example } }
          - title: CORS and rate limits reviewed for new endpoints
            optional: true

  - id: performance
    title: Performance and beta
    when: { type: major }
    items:
      - title: Load test on staging within 10% of the baseline
        run: ./scripts/load-test.sh staging
        timeout: 1h
      - title: Beta period on staging with selected users completed
      - title: No memory growth over the load test

  - id: prepare
    title: Before the deploy
    items:
      - title: Inside the release window
        check: window
      - title: Deploy announced in the engineering channel
      - title: Maintenance posted on the status page
        when: { type: major }
      - title: On-call engineer knows the deploy is happening
      - title: Staging healthy
        check: { http: { url: "https://staging.api.example.com/health" } }
      - title: Release tagged
        check: git-tag
      - title: Database snapshot taken
        run: ./deploy.sh snapshot production
        timeout: 30m
      - title: Health and latency baseline recorded
        run: ./deploy.sh baseline production

  - id: go-no-go
    title: Go / no-go
    gate: [release-captain]

  - id: deploy
    title: Deploy
    items:
      - title: Database migrations applied
        run: ./deploy.sh migrate production
        optional: true
      - title: Images built, pushed and rolled out
        run: ./deploy.sh deploy production
        timeout: 30m
      - title: Service reached a steady state
        check: { command: "aws ecs wait services-stable --cluster app-production --services api" }
      - title: Health endpoint answers
        check: { http: { url: "https://api.example.com/health" } }

  - id: verify
    title: Verify
    items:
      - title: Readiness endpoint answers
        details: Database, cache and queue connections are up.
        check: { http: { url: "https://api.example.com/health/ready" } }
      - title: Smoke tests pass against production
        check: { command: "make smoke BASE_URL=https://api.example.com" }
      - title: No error spike for 15 minutes
        details: A rollback criterion crossing its threshold opens the rollback procedure.
        watch: { for: 15m, every: 30s, check: { http: { url: "https://api.example.com/health" } } }
      - title: Critical user journeys work
        items:
          - title: Sign up and sign in
          - title: Core workflow end to end
          - title: Data export
      - title: Background jobs and websockets working
      - title: Latency and throughput within 10% of the baseline

  - id: post-release
    title: Post-release
    items:
      - title: Full regression run after the hotfix
        check: { command: "make test-integration" }
        when: { type: hotfix }
      - title: Watched for a day after a major release
        watch: { for: 24h, every: 5m, check: { http: { url: "https://api.example.com/health" } } }
        when: { type: major }
      - title: Status page cleared
        when: { type: major }
      - title: Completion posted in the engineering channel
      - title: Related issues closed
      - title: Deployment log updated
      - title: Short review of the deploy the next day
        optional: true

rollback:
  sections:
    - title: Decide
      items:
        - title: Rollback called
          details: A rollback criterion tripped, or the on-call engineer sees user impact. Roll back first, investigate later.
          sign: [release-captain, on-call]
    - title: Roll back
      items:
        - title: Previous task definition redeployed
          run: ./deploy.sh rollback production
          timeout: 20m
        - title: Migrations reverted
          run: ./deploy.sh migrate-down production
          optional: true
        - title: Service steady again after rollback
          check: { command: "aws ecs wait services-stable --cluster app-production --services api" }
        - title: Health endpoint answers after rollback
          check: { http: { url: "https://api.example.com/health" } }
    - title: Afterwards
      items:
        - title: Incident opened and the status page updated
        - title: Post-incident review scheduled
`;

const multiRepo = `# gonogo playbook for a release that spans several repositories.
# Close the work, tag every application, snapshot the database, prove the tagged set in
# development, then promote the same tags to production and verify.
name: Multi-repository release
description: >-
  Several applications released together under one version. List your repositories in the
  details of the tagging step; the scripts named here are your own.

roles:
  release-lead: Release Lead
  qa: QA

environments: [development, production]
types: [patch, minor, major]

policy:
  window:
    timezone: America/Chicago
    deny: [fri, sat, sun]
    # Production goes out in the low-traffic evening hours.
    deny_hours: ["07:00-19:00"]
    freezes:
      - from: 2026-12-23
        to: 2027-01-02
        reason: Holiday freeze
    # Who may let one gate through the window on a denied day, with a reason.
    override: [release-lead]
  # Who may deploy past a gate that says NO-GO, with a reason.
  force: [release-lead]
  rollback:
    when: ["error_rate > 3%", "p99_latency > 2x baseline"]

phases:
  - id: close-out
    title: Close out the work
    items:
      - title: Pull requests for the release merged in every repository
        details: Reviewed and merged; nothing for this release left open.
      - title: Tickets in the release milestone closed
        check: milestone
      - title: Release notes reviewed
        check: changelog

  - id: tag
    title: Tag the applications
    items:
      - title: Every application tagged with the release version
        details:
          - One tag name across all repositories, so a version maps to one set of commits.
          - List the repositories in your tagging script.
        run: ./scripts/tag-all.sh
      - title: This repository carries the release tag
        check: git-tag

  - id: snapshot
    title: Snapshot the database
    items:
      - title: Production database snapshot taken
        run: ./scripts/snapshot-db.sh production
        timeout: 1h
      - title: Snapshot complete and restorable
      - title: Snapshot stored with restricted access

  - id: development
    title: Deploy to development
    items:
      - title: Tagged set deployed to development
        run: ./deploy.sh development
        timeout: 30m
      - title: Pipeline finished without errors or warnings
      - title: Development health endpoint answers
        check: { http: { url: "https://dev.example.com/health" } }

  - id: test
    title: Test in development
    items:
      - title: New features work as specified
      - title: Regression suite passes
        check: { command: "make e2e ENV=development" }
      - title: Calls to partner systems succeed
      - title: Load test
        when: { type: major }
        optional: true
      - title: Development build accepted
        sign: qa

  - id: production
    title: Deploy to production
    gate: [release-lead]
    items:
      - title: Inside the low-traffic window
        check: window
      - title: Stakeholders told when production changes
      - title: Tagged set deployed to production
        run: ./deploy.sh production
        timeout: 45m

  - id: verify
    title: Verify production
    items:
      - title: Production health endpoint answers
        check: { http: { url: "https://www.example.com/health" } }
      - title: Smoke tests pass against production
        check: { command: "make smoke ENV=production" }
      - title: Error rate and latency stay normal for 24 hours
        watch: { for: 24h, every: 15m, check: { http: { url: "https://www.example.com/health" } } }
      - title: Logs free of unexpected errors
      - title: Stakeholders told the release is done

  - id: post-release
    title: After the release
    items:
      - title: Issues found after release triaged
      - title: Retrospective held
        optional: true
      - title: Documentation updated
        optional: true

rollback:
  - title: Rollback called by the release lead
    sign: release-lead
  - title: Previous tags redeployed to production
    run: ./deploy.sh rollback production
    timeout: 45m
  - title: Snapshot restored to the production database
    details: Only when the release changed data the previous versions cannot read.
    run: ./scripts/restore-db.sh production
    optional: true
  - title: Production health endpoint answers after rollback
    check: { http: { url: "https://www.example.com/health" } }
  - title: Stakeholders told about the rollback
`;

const lean = `# gonogo playbook for a small team that ships a product to customers.
# A short list that keeps the basics honest: no releases late in the week, a finished
# milestone, a tagged version, backups, secrets out of git, and one lead who says go.
name: Lean release
description: Everything a small team checks before its customers see a new version.

roles:
  lead: Team Lead

environments: [development, staging, production]
types: [patch, minor, major]

policy:
  window:
    timezone: Asia/Singapore
    # Nobody is around to fix a Friday release over the weekend.
    deny: [fri, sat, sun]
    freezes:
      - from: 2027-02-05
        to: 2027-02-12
        reason: Lunar New Year, most of the team is away
    # Who may let one gate through the window on a denied day, with a reason.
    override: [lead]
  # Who may deploy past a gate that says NO-GO, with a reason.
  force: [lead]

phases:
  - id: ready
    title: Ready to ship
    items:
      - title: Not a Friday or a weekend
        check: window
      - title: Milestone finished
        check: milestone
      - title: Pull requests explain why, for whoever traces this later
      - title: Commit history tidy
        check: commits
      - title: Version bumped
        check: version
      - title: Version tagged and pushed
        check: git-tag

  - id: tested
    title: Tested
    items:
      - title: Tests pass
        details: A known failure is waived with its reason, so it shows up in the record.
        check: { command: "npm test" }
      - title: Tried from the networks customers use
        details: Public internet, a customer VPN or LAN, whatever applies.
      - title: Tried on the devices we support
        optional: true
      - title: Load tested
        when: { type: major }
        optional: true

  - id: notes
    title: Changelog and dependencies
    items:
      - title: Changelog written for users
        check: changelog
      - title: Known issues listed
      - title: Dependencies with security fixes updated
        check: audit

  - id: data
    title: Data
    items:
      - title: Backups ran in the last 24 hours
      - title: The previous version can be redeployed
      - title: Database backed up before the migration
        optional: true
      - title: Migration run
        run: ./deploy.sh migrate production
        optional: true

  - id: config
    title: Configuration and environments
    items:
      - title: No secrets in git
        check: secrets
      - title: Config comes from environment variables, all documented
        check: env-documented
      - title: New variables set in every environment
      - title: Deploys the same way to every environment
      - title: Servers patched
        optional: true

  - id: logging
    title: Logging
    items:
      - title: Errors reach the logs with their stack traces
      - title: Everyone knows where to search the logs

  - id: ship
    title: Ship
    gate: [lead]
    items:
      - title: Deployed to production
        run: ./deploy.sh production
        timeout: 20m
      - title: Production answers
        check: { http: { url: "https://example.com/health" } }

  - id: tell
    title: Tell people
    items:
      - title: Customers e-mailed
        optional: true
      - title: Product owner told
      - title: Team told

rollback:
  - title: Previous version redeployed
    run: ./deploy.sh rollback production
  - title: Production answers after rollback
    check: { http: { url: "https://example.com/health" } }
  - title: Team and customers told
`;

const defaultTemplate = `# gonogo's default playbook: a lean starting point for any project.
# Checks before the release, one go/no-go gate, a scripted deploy, a watch afterwards and a
# rollback. Add phases, roles and policies as your process needs them.
name: Release
roles:
  release-manager: Release Manager
  # qa-lead: QA Lead            (add roles, then name them in a gate or a sign: item)

environments: [staging, production]
types: [hotfix, patch, minor, major]

policy:
  window:
    timezone: UTC
    deny: [sat, sun]
    # freezes:
    #   - { from: 2026-12-20, to: 2027-01-02, reason: Holiday freeze }
    # Who may let one gate through the window on a denied day, with a reason.
    override: [release-manager]
  # Who may deploy past a gate that says NO-GO, with a reason.
  force: [release-manager]
  rollback:
    when: ["error_rate > 5%", "p99_latency > 2x baseline"]

phases:
  - id: pre-release
    title: Pre-release
    items:
      - title: Tests pass
        check: { command: "npm test" }
      - title: CHANGELOG.md updated
        check: changelog
      - title: Version bumped
        check: version
      - title: No secrets committed
        check: secrets
      - title: Release notes reviewed
        optional: true
        when: { type: [minor, major] }

  - id: go-no-go
    title: Go / no-go
    gate: [release-manager]

  - id: deploy
    title: Deploy
    items:
      - title: Inside the release window
        check: window
      - title: Deployed to production
        run: ./deploy.sh production
        timeout: 30m
      - title: Release tagged
        check: git-tag

  - id: post-release
    title: Post-release
    items:
      - title: Healthy for 15 minutes
        watch: { for: 15m, every: 30s, check: { http: { url: "https://example.com/health" } } }

rollback:
  - title: Previous version redeployed
    run: ./deploy.sh rollback production
  - title: Health endpoint answers after rollback
    check: { http: { url: "https://example.com/health" } }
`;

/** The built-in templates, in the order `gonogo templates` lists them. */
export const templates: readonly Template[] = Object.freeze([
  {
    name: 'default',
    summary: 'Lean general-purpose release: checks, one go/no-go gate, deploy, watch, rollback.',
    fits: 'Any project starting out with gonogo; grow it as the process grows.',
    yaml: defaultTemplate,
  },
  {
    name: 'lean',
    summary: "A small team's short list: no Friday releases, milestone, tag, backups, secrets.",
    fits: 'Small product teams with one lead who decides, shipping to customers.',
    yaml: lean,
  },
  {
    name: 'django-aws',
    summary: 'Django/Wagtail on AWS: code health, infrastructure, migrations, staging sign-off.',
    fits: 'Python web apps on AWS (ECS/EC2, RDS, S3/CloudFront) with a staging environment.',
    yaml: djangoAws,
  },
  {
    name: 'container-service',
    summary:
      'Containerised service with hotfix/minor/major paths, watch window and rollback criteria.',
    fits: 'Teams running a web API on ECS or a similar orchestrator, deploying weekly or faster.',
    yaml: containerService,
  },
  {
    name: 'multi-repo',
    summary: 'One release across several repositories: tag all, snapshot, development, production.',
    fits: 'Teams releasing a set of applications together through development to production.',
    yaml: multiRepo,
  },
  {
    name: 'enterprise',
    summary:
      'Formal release: five sign-off roles, go/no-go gate, change window, rollback procedure.',
    fits: 'Larger organisations with QA, product, security and release management sign-offs.',
    yaml: enterprise,
  },
]);

/**
 * Finds a built-in template by name.
 *
 * @throws NotFoundError naming the closest template and listing them all.
 * @example
 * const { yaml } = findTemplate('container-service');
 */
export function findTemplate(name: string): Template {
  const found = templates.find((t) => t.name === name);
  if (found) return found;
  const names = templates.map((t) => t.name);
  const near = suggestName(name, names);
  const hint = near ? ` (did you mean "${near}"?)` : '';
  throw new NotFoundError(
    `unknown template "${name}"${hint}; built-in templates: ${names.join(', ')}`,
  );
}
