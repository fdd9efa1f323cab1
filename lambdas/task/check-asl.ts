/**
 * asl-validator over a compiled definition. The package is CommonJS with an ES default export, so its
 * function sits at `.default` or `.default.default` depending on who loads it (Node's ESM loader or Vite).
 */
import aslValidator from 'asl-validator';

export interface AslCheck {
  readonly isValid: boolean;
  readonly errors: readonly { readonly message: string }[];
}

interface ValidatorError {
  readonly 'Error code'?: string;
  readonly Message?: string;
}

type Validator = (definition: unknown) => { isValid: boolean; errors: ValidatorError[] };

function validatorFunction(): Validator {
  const loaded = aslValidator as unknown as Validator | { default?: Validator };
  if (typeof loaded === 'function') return loaded;
  if (loaded && typeof loaded.default === 'function') return loaded.default;
  throw new Error('asl-validator exports no validator function');
}

/** Checks a definition with asl-validator; each error as a message. */
export function checkAsl(definition: unknown): AslCheck {
  const { isValid, errors } = validatorFunction()(definition);
  return { isValid, errors: errors.map((e) => ({
      message: e.Message ? `${e.Message}${e['Error code'] ? ` (${e['Error code']})` : ''}` : JSON.stringify(e),
    })) };
}
