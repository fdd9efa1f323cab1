/** asl-validator 4 ships no type declarations: the part this project calls. */
declare module 'asl-validator' {
  interface ValidatorError {
    readonly 'Error code'?: string;
    readonly Message?: string;
  }
  type Validator = (definition: unknown) => { isValid: boolean; errors: ValidatorError[] };
  const validator: Validator | { default: Validator };
  export default validator;
}
