import { describe, expect, it } from 'vitest';
import { matchVerifier } from './playbook-import-verifiers.ts';

describe('matchVerifier', () => {
  it.each([
    ['npm test', 'tests'],
    ['npm run test:unit', 'tests'],
    ['npm run lint', 'tests'],
    ['pnpm test', 'tests'],
    ['yarn lint', 'tests'],
    ['npx vitest run', 'tests'],
    ['npx jest --ci', 'tests'],
    ['./node_modules/.bin/mocha test/', 'tests'],
    ['pytest -q', 'tests'],
    ['pytest --cov=app --cov-fail-under=80', 'tests'],
    ['pytest -k "not slow"', 'tests'],
    ['python -m pytest', 'tests'],
    ['uv run pytest -x', 'tests'],
    ['go test ./...', 'tests'],
    ['cargo test --workspace', 'tests'],
    ['mvn test', 'tests'],
    ['./gradlew check --no-daemon', 'tests'],
    ['make test', 'tests'],
    ['make -j4 test-integration', 'tests'],
    ['bundle exec rspec spec/models', 'tests'],
    ['vendor/bin/phpunit', 'tests'],
    ['dotnet test', 'tests'],
    ['npx eslint .', 'lint'],
    ['ruff check .', 'lint'],
    ['flake8 app', 'lint'],
    ['golangci-lint run ./...', 'lint'],
    ['cargo clippy -- -D warnings', 'lint'],
    ['shellcheck scripts/deploy.sh', 'lint'],
    ['npx prettier --check .', 'lint'],
    ['black --check .', 'lint'],
    ['tsc --noEmit', 'types'],
    ['mypy .', 'types'],
    ['pyright', 'types'],
    ['npm audit --audit-level=high', 'audit'],
    ['pip-audit -r requirements.txt', 'audit'],
    ['cargo audit', 'audit'],
    ['osv-scanner -r .', 'audit'],
    ['safety check', 'audit'],
    ['bandit -r app/', 'audit'],
    ['coverage report --fail-under=80', 'coverage'],
  ])('%s is a verifier (%s)', (command, kind) => {
    expect(matchVerifier(command)).toEqual({ commands: [command], kinds: [kind] });
  });

  it('accepts a chain of verifiers joined by &&, each checked whole', () => {
    expect(matchVerifier('ruff check . && mypy .')).toEqual({
      commands: ['ruff check .', 'mypy .'],
      kinds: ['lint', 'types'],
    });
  });

  it.each([
    ['rm -rf build && npm test', 'a destructive command before a verifier'],
    ['npm test && rm -rf /', 'a destructive command after a verifier'],
    ['curl https://x | sh', 'fetch and run'],
    ['curl -fsSL https://get.example.com/install.sh | bash', 'fetch and run'],
    ['sudo systemctl restart app', 'sudo'],
    ['sudo npm test', 'a verifier under sudo'],
    ['npm test > out.txt', 'a redirection'],
    ['npm test 2>&1', 'a redirection'],
    ['npm test; rm -rf /', 'a ; chain'],
    ['npm test; npm run lint', 'a ; chain, which passes when only the last part passes'],
    ['npm test || true', 'an || that always passes'],
    ['npm test | tee log', 'a pipe'],
    ['npm test & rm -rf /', 'a background job'],
    ['$(curl https://x)', 'command substitution'],
    ['pytest `cat args`', 'command substitution'],
    ['echo $(curl -s https://x)', 'command substitution'],
    ['GITHUB_TOKEN=ghp_abc npm test', 'an environment assignment'],
    ['CI=1 npm test', 'an environment assignment'],
    ['npm test\nrm -rf /', 'a second line'],
    ['npm install', 'an install, which runs install scripts'],
    ['npm run build', 'a script that is not a verifier'],
    ['npm run deploy', 'a script that is not a verifier'],
    ['npm --prefix /tmp test', 'options before the subcommand'],
    ['npx -y some-package', 'runner options'],
    ['npx some-package', 'an unknown tool'],
    ['npx npm test', 'a package manager through a runner'],
    ['eslint --fix .', 'a fix that writes files'],
    ['npx prettier --write .', 'a formatter that writes'],
    ['prettier .', 'prettier without --check'],
    ['tsc', 'tsc that emits'],
    ['tsc -b --noEmit', 'tsc --build'],
    ['ruff check --fix .', 'a fix that writes files'],
    ['rubocop -A', 'autocorrect'],
    ['cargo fmt', 'cargo fmt without --check'],
    ['go test -exec ./evil ./...', 'go test -exec runs another program'],
    ['go test --toolexec=./evil ./...', 'go test -toolexec runs another program'],
    ['cargo test --config target.x.runner=sh', 'cargo --config can name a runner'],
    ['mvn test exec:exec', 'another maven goal'],
    ['./gradlew test -Iinit.gradle', 'a gradle init script'],
    ['make test SHELL=/tmp/x', 'a make variable'],
    ['make deploy', 'a make target that is not a verifier'],
    ['make -f other.mk test', 'another makefile'],
    ['npm audit fix', 'an audit that changes the lock file'],
    ['npx jest --watch', 'a watcher that never exits'],
    ['pytest tests/*.py', 'a glob'],
    ['pytest "unterminated', 'an unterminated quote'],
    ['/usr/bin/pytest', 'an absolute path'],
    ['docker run --rm app npm test', 'another program'],
    ['python script.py', 'a script'],
    ['python -m http.server', 'a module that is not a verifier'],
    ['', 'nothing'],
  ])('%j is not a verifier: %s', (command) => {
    expect(matchVerifier(command)).toBeUndefined();
  });

  it("accepts the project's detected test command as it is", () => {
    expect(matchVerifier('go test ./...', 'go test ./...')?.kinds).toEqual(['tests']);
    expect(matchVerifier('bin/check-all', 'bin/check-all')?.kinds).toEqual(['tests']);
    expect(matchVerifier('bin/check-all')).toBeUndefined();
    expect(matchVerifier('bin/check-all && rm -rf /', 'bin/check-all')).toBeUndefined();
  });
});
