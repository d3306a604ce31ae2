import { Construct, Node } from 'constructs';
import { TerraformElement, TerraformStack } from 'cdktf';

/**
 * Readable, stable Terraform logical ids for everything under a construct that opts in:
 * the construct path below the stack joined with `_` (`logs` / `shipper` / `role` →
 * `logs_shipper_role`), without cdktf's default hash suffix, so the addresses users see in
 * `terraform plan` and `terraform state` read as what they are.
 *
 * cdktf-specific: it wraps the stack's `allocateLogicalId`, the extension point cdktf documents
 * for custom naming, and leaves elements outside opted-in constructs to cdktf's default.
 * Call `useStableLogicalIds(this)` first thing in a construct's constructor (ids are fixed the
 * first time something references an element).
 *
 * Ids depend only on construct ids, so renaming a construct id is a breaking change (Terraform
 * would destroy and recreate): treat construct ids as public names.
 */
const optedIn = new WeakSet<Construct>();
const claimed = new WeakMap<TerraformStack, Map<string, string>>();

/** The logical id an element (or asset node) gets under an opted-in construct. */
export function stableLogicalId(node: Node, stack: TerraformStack): string {
  const scopes = node.scopes;
  const below = scopes.slice(scopes.indexOf(stack) + 1).map((c) => c.node.id);
  const id = below.map((part) => part.replace(/[^A-Za-z0-9_]/g, '_')).join('_');
  return /^[A-Za-z_]/.test(id) ? id : `_${id}`;
}

type Allocator = (el: TerraformElement | Node) => string;

export function useStableLogicalIds(scope: Construct): void {
  optedIn.add(scope);
  const stack = TerraformStack.of(scope);
  if (claimed.has(stack)) return;
  const ids = new Map<string, string>();
  claimed.set(stack, ids);
  const target = stack as unknown as { allocateLogicalId: Allocator };
  const cdktfDefault = target.allocateLogicalId.bind(stack);
  target.allocateLogicalId = (el) => {
    const node = TerraformElement.isTerraformElement(el) ? el.node : (el as Node);
    if (!node.scopes.some((s) => optedIn.has(s))) return cdktfDefault(el);
    const id = stableLogicalId(node, stack);
    // Terraform addresses are per kind (resource type, data source type, output), so only a
    // clash within one kind is a real conflict.
    const key = `${kindOf(el)}.${id}`;
    const owner = ids.get(key);
    if (owner !== undefined && owner !== node.path) {
      throw new Error(`Terraform logical id "${id}" is claimed by both ${owner} and ${node.path}: rename one construct`);
    }
    ids.set(key, node.path);
    return id;
  };
}

function kindOf(el: TerraformElement | Node): string {
  if (!TerraformElement.isTerraformElement(el)) return 'asset';
  const type = (el as { terraformResourceType?: string }).terraformResourceType;
  return type ?? el.constructor.name;
}
