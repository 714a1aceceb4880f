/**
 * gonogo's built-in playbook templates, written out by `gonogo init --template NAME` and
 * listed by `gonogo templates`. One per kind of release the seed checklists show, plus a lean
 * default. Each is a complete `gonogo.yaml` with comments, so a team can read it, delete what
 * does not apply and commit it; the tests keep every one of them lint-clean.
 */
import { NotFoundError } from './errors.ts';
import { suggestName } from './names.ts';
// The YAML bodies live in templates/*.yaml, as the user gets them (comments included), and are
// bundled as text: esbuild's text loader in scripts/build.ts and Vite's `?raw` in the tests
// read the same import, so nothing is read from disk at run time.
import containerService from './templates/container-service.yaml?raw';
import defaultTemplate from './templates/default.yaml?raw';
import djangoAws from './templates/django-aws.yaml?raw';
import enterprise from './templates/enterprise.yaml?raw';
import lean from './templates/lean.yaml?raw';
import multiRepo from './templates/multi-repo.yaml?raw';

export interface Template {
  name: string;
  summary: string;
  /** What kind of team / release it fits. */
  fits: string;
  yaml: string;
}

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

/** A name as people write it: case, spaces and underscores aside (`Container_Service`). */
const normalizeName = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-');

/**
 * The title a template's playbook gives itself (its `name:`), shown beside its id.
 *
 * @example templateTitle(findTemplate('lean')) // 'Lean release'
 */
export function templateTitle(t: Pick<Template, 'yaml'>): string {
  const line = /^name:[ \t]*(.+?)[ \t]*$/m.exec(t.yaml)?.[1] ?? '';
  return line.replace(/^(['"])(.*)\1$/, '$2');
}

/**
 * Finds a built-in template by its id, however it is written (`container-service`,
 * `Container-Service`, `container_service`, `Container Service`), or by its title
 * (`"Container service release"`).
 *
 * @throws NotFoundError naming the closest template and listing them all.
 * @example
 * const { yaml } = findTemplate('Container-Service');
 */
export function findTemplate(name: string): Template {
  const wanted = normalizeName(name);
  const found =
    templates.find((t) => t.name === wanted) ??
    templates.find((t) => normalizeName(templateTitle(t)) === wanted);
  if (found) return found;
  const names = templates.map((t) => t.name);
  const near = suggestName(wanted, names);
  const hint = near ? ` (did you mean "${near}"?)` : '';
  throw new NotFoundError(
    `unknown template "${name}"${hint}; built-in templates: ${names.join(', ')}`,
  );
}
